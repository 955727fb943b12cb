package slackfake

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
)

// File is a file the fake holds: shared by a test (AddFile) or uploaded by the app through
// files.getUploadURLExternal, the upload and files.completeUploadExternal.
type File struct {
	ID      string
	Name    string
	Title   string
	Channel string // where the app shared it; "" for a file a test added
	Data    []byte
	URL     string // its url_private, served to requests with a bearer token
}

// files is the fake's store of files, guarded by Server.mu.
type files struct {
	byID  map[string]*File
	order []string
}

// AddFile holds data as a file a person shared, and returns it with its url_private, which the
// fake serves to requests carrying a bearer token, as Slack does.
func (s *Server) AddFile(name string, data []byte) File {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.newFile(name)
	f.Data = append([]byte(nil), data...)
	return *f
}

// Uploaded returns the files the app uploaded and completed, oldest first.
func (s *Server) Uploaded() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []File
	for _, id := range s.files.order {
		if f := s.files.byID[id]; f.Channel != "" {
			out = append(out, *f)
		}
	}
	return out
}

// newFile registers an empty file; call it with s.mu held.
func (s *Server) newFile(name string) *File {
	if s.files.byID == nil {
		s.files.byID = map[string]*File{}
	}
	id := fmt.Sprintf("F%06d", len(s.files.order)+1)
	f := &File{ID: id, Name: name, URL: s.URL + "/files-pri/" + id + "/" + name}
	s.files.byID[id] = f
	s.files.order = append(s.files.order, id)
	return f
}

// answerFiles answers the upload's two Web API calls; found is false for any other method.
// Call it with s.mu held.
func (s *Server) answerFiles(c Call) (any, bool) {
	switch c.Method {
	case "files.getUploadURLExternal":
		f := s.newFile(c.Form["filename"])
		return map[string]any{"ok": true, "upload_url": s.URL + "/upload/" + f.ID, "file_id": f.ID}, true
	case "files.completeUploadExternal":
		var ids []map[string]any
		for _, f := range s.files.byID {
			if strings.Contains(c.Form["files"], `"`+f.ID+`"`) {
				f.Channel = c.Form["channel_id"]
				if f.Title = c.Form["files"]; strings.Contains(f.Title, `"title":"`) {
					f.Title = strings.SplitN(strings.SplitN(f.Title, `"title":"`, 2)[1], `"`, 2)[0]
				}
				ids = append(ids, map[string]any{"id": f.ID, "title": f.Title})
			}
		}
		if len(ids) == 0 {
			return map[string]any{"ok": false, "error": "invalid_file_id"}, true
		}
		return map[string]any{"ok": true, "files": ids}, true
	}
	return nil, false
}

// serveFile takes an upload (POST /upload/ID) and serves url_private (GET /files-pri/ID/name,
// with a bearer token); it reports whether the path was one of them.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, body []byte) bool {
	switch {
	case strings.HasPrefix(r.URL.Path, "/upload/"):
		s.mu.Lock()
		f := s.files.byID[strings.TrimPrefix(r.URL.Path, "/upload/")]
		if f != nil {
			f.Data = uploaded(r, body)
		}
		s.mu.Unlock()
		if f == nil {
			http.NotFound(w, r)
			return true
		}
		fmt.Fprint(w, "OK - ", len(f.Data))
		return true
	case strings.HasPrefix(r.URL.Path, "/files-pri/"):
		if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			http.Redirect(w, r, "/signin", http.StatusFound)
			return true
		}
		id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/files-pri/"), "/")
		s.mu.Lock()
		f := s.files.byID[id]
		var data []byte
		if f != nil {
			data = f.Data
		}
		s.mu.Unlock()
		if f == nil {
			http.NotFound(w, r)
			return true
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		_, _ = w.Write(data)
		return true
	}
	return false
}

// uploaded is the file's bytes of an upload: the body, or its first file part when multipart,
// as slack-go sends it.
func uploaded(r *http.Request, body []byte) []byte {
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return body
	}
	mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
	for {
		part, err := mr.NextPart()
		if err != nil {
			return body
		}
		if part.FileName() != "" {
			data, err := io.ReadAll(part)
			if err != nil {
				return body
			}
			return data
		}
	}
}
