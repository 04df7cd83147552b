package analysis

// Reporter shows the progress of long work to the user.
type Reporter interface {
	// Logf prints a line of progress; a quiet reporter drops it.
	Logf(format string, a ...any)
	// Warnf prints a line the user must see even when quiet: an
	// approximation, a measure skipped.
	Warnf(format string, a ...any)
	// Step reports done of total units of the task named what.
	Step(what string, done, total int)
}
