package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var binaryFlag = flag.String("chorus-binary", "", "chorus binary the process tests and benchmarks run (default: built from this tree)")

var (
	buildOnce sync.Once
	buildDir  string
	buildPath string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// chorusBinary builds cmd/chorus once per test process and returns its path.
func chorusBinary(t testing.TB) string {
	t.Helper()
	if *binaryFlag != "" {
		return *binaryFlag
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "chorus-bin-")
		if buildErr != nil {
			return
		}
		buildPath = filepath.Join(buildDir, "chorus")
		out, err := exec.Command("go", "build", "-o", buildPath, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildPath
}

// process is a chorus binary running as a child process.
type process struct {
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan struct{}
	err  error // the exit status, once done is closed
}

// startProcess runs the chorus binary with args and exactly the environment vars (plus PATH and
// HOME). Its stderr is collected in logs.
func startProcess(t testing.TB, vars map[string]string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(chorusBinary(t), args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &process{cmd: cmd, logs: &lockedBuffer{}, done: make(chan struct{})}
	cmd.Stdout = io.Discard
	cmd.Stderr = p.logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.err = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.kill() })
	return p
}

// kill ends the process with SIGKILL, as a crash would, and waits for it.
func (p *process) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Kill()
	<-p.done
}

// stop ends the process with SIGTERM, as an orchestrator would, and waits for it.
func (p *process) stop(t testing.TB) error {
	t.Helper()
	if ok, err := p.stopWithin(60 * time.Second); ok { // a safety net against a hung child, not a timing assertion
		return err
	}
	t.Fatalf("chorus did not stop on SIGTERM; logs:\n%s", p.logs.String())
	return nil
}

// stopWithin sends SIGTERM and waits up to d for the process to exit; past d it kills it and
// reports false.
func (p *process) stopWithin(d time.Duration) (bool, error) {
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		return true, p.err
	case <-time.After(d):
		p.kill()
		return false, nil
	}
}

var servingAddr = regexp.MustCompile(`msg="chorus serving".* addr=(\S+)`)

// waitServing waits for the "chorus serving" log line and returns the HTTP address it names.
func (p *process) waitServing(t testing.TB) string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second) // a safety net, not a timing assertion
	for time.Now().Before(deadline) {
		if m := servingAddr.FindStringSubmatch(p.logs.String()); m != nil {
			return m[1]
		}
		select {
		case <-p.done:
			t.Fatalf("chorus exited (%v) before serving; logs:\n%s", p.err, p.logs.String())
		case <-p.logs.changed():
		case <-time.After(100 * time.Millisecond):
		}
	}
	t.Fatalf("chorus is not serving; logs:\n%s", p.logs.String())
	return ""
}

// memory returns the process's resident memory and its peak, in bytes, from /proc.
func (p *process) memory(t testing.TB) (rss, peak int64) {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		t.Skipf("no /proc: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		switch k {
		case "VmRSS":
			rss = kb << 10
		case "VmHWM":
			peak = kb << 10
		}
	}
	return rss, peak
}
