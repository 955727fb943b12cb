package scheduler

// Indexed returns how many tasks the index holds: the window's and those changed here.
func (s *Scheduler) Indexed() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.tasks)
}
