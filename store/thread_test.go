package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
)

func TestTaskThread(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t, true)
	s := e.Store
	if _, ok, err := s.TaskThread(ctx, "T1", "k1", "C0SOCIAL"); ok || err != nil {
		t.Fatalf("TaskThread before any = %v, %v", ok, err)
	}
	tests := []struct {
		name              string
		ws, task, channel string
		ts, want          string
		wantErr           error
	}{
		{"first reminder starts it", "T1", "k1", "C0SOCIAL", "1800000000.000001", "1800000000.000001", nil},
		{"a second start reads the first", "T1", "k1", "C0SOCIAL", "1800000000.000002", "1800000000.000001", nil},
		{"another channel has its own", "T1", "k1", "C0EMAIL", "1800000000.000003", "1800000000.000003", nil},
		{"another workspace has its own", "T2", "k1", "C0SOCIAL", "1800000000.000004", "1800000000.000004", nil},
		{"a slash in an id does not collide", "T1", "k1/C0SOCIAL", "x", "1800000000.000005", "1800000000.000005", nil},
		{"no ts", "T1", "k2", "C0SOCIAL", "", "", chorus.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.StartTaskThread(ctx, tt.ws, tt.task, tt.channel, tt.ts)
			wantErr(t, err, tt.wantErr)
			if got != tt.want {
				t.Fatalf("StartTaskThread = %q, want %q", got, tt.want)
			}
			if tt.wantErr != nil {
				return
			}
			read, ok, err := s.TaskThread(ctx, tt.ws, tt.task, tt.channel)
			if err != nil || !ok || read != tt.want {
				t.Fatalf("TaskThread = %q, %v, %v; want %q", read, ok, err, tt.want)
			}
		})
	}
	// Threads are swept with the occurrences they served.
	e.Clock.Advance(time.Hour)
	if _, err := s.StartTaskThread(ctx, "T1", "k9", "C0SOCIAL", "1800000000.000009"); err != nil {
		t.Fatal(err)
	}
	n, err := s.SweepOccurrences(ctx, start.Add(30*time.Minute))
	if err != nil || n != 4 {
		t.Fatalf("SweepOccurrences = %d, %v; want the 4 older threads", n, err)
	}
	if _, ok, _ := s.TaskThread(ctx, "T1", "k1", "C0SOCIAL"); ok {
		t.Error("an old thread survived the sweep")
	}
	if _, ok, _ := s.TaskThread(ctx, "T1", "k9", "C0SOCIAL"); !ok {
		t.Error("the sweep removed a recent thread")
	}
}

// TestTaskThreadRace: replicas posting a task's first channel reminder at once each try to
// start its thread; every one of them ends up with the same thread, the first recorded.
func TestTaskThreadRace(t *testing.T) {
	ctx := context.Background()
	for _, serialize := range []bool{false, true} {
		t.Run(fmt.Sprintf("serialize=%v", serialize), func(t *testing.T) {
			s := newEnv(t, serialize).Store
			for round := range 3 {
				task := fmt.Sprintf("k%d", round)
				got := make([]string, 10)
				errs := make([]error, 10)
				var wg sync.WaitGroup
				for i := range got {
					wg.Go(func() {
						got[i], errs[i] = s.StartTaskThread(ctx, "T1", task, "C0SOCIAL", fmt.Sprintf("1800000000.%06d", i))
					})
				}
				wg.Wait()
				stored, ok, err := s.TaskThread(ctx, "T1", task, "C0SOCIAL")
				if err != nil || !ok {
					t.Fatalf("round %d: TaskThread = %v, %v", round, ok, err)
				}
				for i := range got {
					if errs[i] != nil || got[i] != stored {
						t.Fatalf("round %d: replica %d got %q, %v; the stored thread is %q", round, i, got[i], errs[i], stored)
					}
				}
			}
		})
	}
}
