package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/bot"
	"github.com/chorus-hq/chorus/commands/plan"
	"github.com/chorus-hq/chorus/reply"
)

// slackPlanFiles gives the plan Slack's files: an export is uploaded to the conversation the
// command came from, an import is downloaded from the url_private of a file shared with Chorus.
type slackPlanFiles struct {
	client *bot.Client
}

// Share implements plan.Files.
func (s *slackPlanFiles) Share(ctx context.Context, req reply.Request, name, title string, data []byte) (string, error) {
	if req.Channel == "" {
		return "", reply.ErrUnavailable
	}
	return "", s.client.UploadFile(ctx, req.Channel, "", name, title, data)
}

// Fetch implements plan.Files: only the files Slack shared with Chorus, never a path.
func (s *slackPlanFiles) Fetch(ctx context.Context, ref string) ([]byte, error) {
	if !strings.HasPrefix(ref, "https://") && !strings.HasPrefix(ref, "http://") {
		return nil, reply.ErrUnavailable
	}
	data, err := s.client.DownloadFile(ctx, ref, plan.MaxFileBytes)
	if errors.Is(err, bot.ErrFileTooLarge) {
		return nil, chorus.Errorf(chorus.ErrInvalid, "plan.file.large", plan.MaxFileBytes>>20)
	}
	return data, err
}

// localPlanFiles gives the console's plan the file system: an export is written to dir, an
// import read from the path typed.
type localPlanFiles struct {
	dir string
}

// Share implements plan.Files.
func (l localPlanFiles) Share(_ context.Context, _ reply.Request, name, _ string, data []byte) (string, error) {
	if err := os.MkdirAll(l.dir, 0o750); err != nil {
		return "", fmt.Errorf("exports directory: %w", err)
	}
	p, err := filepath.Abs(filepath.Join(l.dir, filepath.Base(name)))
	if err != nil {
		return "", fmt.Errorf("export path: %w", err)
	}
	if err := os.WriteFile(p, data, 0o640); err != nil {
		return "", fmt.Errorf("write export: %w", err)
	}
	return p, nil
}

// Fetch implements plan.Files.
func (l localPlanFiles) Fetch(_ context.Context, ref string) ([]byte, error) {
	if strings.HasPrefix(ref, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			ref = filepath.Join(home, ref[2:])
		}
	}
	f, err := os.Open(ref)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", ref, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, plan.MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ref, err)
	}
	if len(data) > plan.MaxFileBytes {
		return nil, chorus.Errorf(chorus.ErrInvalid, "plan.file.large", plan.MaxFileBytes>>20)
	}
	return data, nil
}
