// Package outdir writes a command's output files into a directory without
// ever writing through a symbolic link or outside the directory.
//
// A report or an export replaces files of known names in a directory the
// user names (cxray report --out, cxray export --out). Opening such a name
// with os.Create follows a symbolic link planted there and overwrites its
// target, wherever it points. Instead, Create makes a fresh staging
// directory inside the output directory (os.MkdirTemp: a new name, mode
// 0700, created by this process, so nothing can be planted in it), the
// caller writes its files there, and Publish moves each into place with
// rename(2), which replaces the directory entry itself and never follows a
// link at the destination. Publish refuses, before moving anything, a
// name that is a symbolic link or a directory in the output directory, so
// a planted link is reported instead of silently replaced. Create refuses
// an output directory that is itself a symbolic link.
//
// The staging directory is on the same file system as the output
// directory, so every rename is atomic: a reader sees each file whole,
// old or new. Close removes the staging directory and whatever is left in
// it; a process killed in between leaves it behind, named .cxray-stage-*.
package outdir
