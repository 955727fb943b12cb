package slackfake

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// File is a file people shared (AddFile), which the fake serves at its url_private, or one the
// app uploaded and shared in a channel (Uploaded).
type File struct {
	ID      string
	Name    string
	Title   string
	Channel string // where the app shared it; "" for a file a test added
	Data    []byte
	URL     string // its url_private, served to requests with a bearer token
}

// AddFile holds data as a file a person shared, and returns it with its url_private, which the
// fake serves to requests carrying a bearer token, as Slack does.
func (s *Server) AddFile(name string, data []byte) File {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shared == nil {
		s.shared = map[string]*File{}
	}
	id := fmt.Sprintf("FS%06d", len(s.shared)+1)
	f := &File{ID: id, Name: name, Data: append([]byte(nil), data...), URL: s.URL + "/files-pri/" + id + "/" + name}
	s.shared[id] = f
	return *f
}

// Uploaded returns the files the app uploaded and shared (files.completeUploadExternal), oldest
// first, with their bytes; each has the name of the upload URL asked in the same order.
func (s *Server) Uploaded() []File {
	names := s.Calls("files.getUploadURLExternal")
	var out []File
	for i, c := range s.Calls("files.completeUploadExternal") {
		var files []struct{ ID, Title string }
		if json.Unmarshal([]byte(c.Form["files"]), &files) != nil {
			continue
		}
		for _, f := range files {
			data, _ := s.File(f.ID)
			file := File{ID: f.ID, Title: f.Title, Channel: c.Form["channel_id"], Data: data}
			if i < len(names) {
				file.Name = names[i].Form["filename"]
			}
			out = append(out, file)
		}
	}
	return out
}

// serveFile serves a shared file's url_private (GET /files-pri/ID/name) to a request with a
// bearer token, and sends any other to the sign-in page, as Slack does; it reports whether the
// path was a file's.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, _ []byte) bool {
	if !strings.HasPrefix(r.URL.Path, "/files-pri/") {
		return false
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		http.Redirect(w, r, "/signin", http.StatusFound)
		return true
	}
	id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/files-pri/"), "/")
	s.mu.Lock()
	f := s.shared[id]
	s.mu.Unlock()
	if f == nil {
		http.NotFound(w, r)
		return true
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(f.Data)
	return true
}
