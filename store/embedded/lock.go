package embedded

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// LockFile is the file, inside the data directory, that the running process holds locked.
const LockFile = "chorus.lock"

// ErrLocked is matched (errors.Is) by the error of Start when another process holds the data
// directory: the embedded store serves one process. Several replicas need MongoDB.
var ErrLocked = errors.New("embedded store: the data directory is used by another process")

// LockedError says which data directory is held, and by which process.
type LockedError struct {
	Dir string // absolute path of the data directory
	PID int    // process holding it, as it wrote in the lock file; 0 if unknown
}

// Error names the directory and the process.
func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	return fmt.Sprintf("embedded store: data directory %s is used by %s", e.Dir, holder)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// dirLock is an exclusive flock(2) on the data directory's lock file. The kernel releases it
// when the process ends, however it ends (kill -9 included), so a stale lock file never blocks
// a restart.
type dirLock struct {
	f *os.File
}

// lockDir takes the lock of dir (absolute, existing) without waiting, and writes this process's
// pid in the lock file.
func lockDir(dir string) (*dirLock, error) {
	path := filepath.Join(dir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("embedded store: open lock file: %w", err)
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		defer f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, &LockedError{Dir: dir, PID: readPID(f)}
		}
		return nil, fmt.Errorf("embedded store: lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
		_ = f.Sync()
	}
	return &dirLock{f: f}, nil
}

// readPID reads the pid the holder wrote; 0 if it has not yet, or the file is not a pid.
func readPID(f *os.File) int {
	b := make([]byte, 32)
	n, _ := f.ReadAt(b, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b[:n])))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// release gives the lock up. The file stays: removing it could let two processes lock two
// different files of the same name.
func (l *dirLock) release() {
	if l == nil || l.f == nil {
		return
	}
	_ = unix.Flock(int(l.f.Fd()), unix.LOCK_UN)
	_ = l.f.Close()
	l.f = nil
}
