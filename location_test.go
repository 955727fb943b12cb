package chorus_test

import (
	"testing"

	"github.com/chorus-hq/chorus"
)

func TestLoadLocation(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Europe/Brussels", "Europe/Brussels"},
		{"Europe/Brussels", "Europe/Brussels"}, // the memo's answer
		{"America/Montreal", "America/Montreal"},
		{"", "Europe/Paris"},
		{"Mars/Olympus", "Europe/Paris"},
		{"Mars/Olympus", "Europe/Paris"}, // an unknown name is not remembered as a zone
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chorus.LoadLocation(tt.name).String(); got != tt.want {
				t.Errorf("LoadLocation(%q) = %s, want %s", tt.name, got, tt.want)
			}
		})
	}
	if chorus.LoadLocation("Europe/Brussels") != chorus.LoadLocation("Europe/Brussels") {
		t.Error("each call loads the zone again")
	}
}
