package cli

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"cxray/stream/plan"
	"cxray/stream/shard"
)

func slurmCommand() *cli.Command {
	return &cli.Command{
		Name:  "slurm",
		Usage: "write (and submit) the Slurm jobs of a sharded run planned with 'cxray shard plan'",
		UsageText: `cxray slurm --dir W --db out.duckdb [--submit]
   cxray slurm --dir W --db out.duckdb --resubmit --submit     (only the tasks that are not done)`,
		Description: `Writes the sbatch scripts into W/slurm/ and a submit.sh that chains them:

   extract.sbatch   the array of extract tasks (--array=0..S-1)
   pairs.sbatch     the array of pairs tasks, afterok on the extract array
   covers.sbatch    when the run measures T1: the array of covers tasks,
                    afterany on the pairs array (each covers task checks
                    that every pairs task is done, and fails naming the
                    missing ones, so that the merge still runs and names
                    them)
   merge.sbatch     the merge, afterany on the last array: it checks every
                    task's marker itself (sbatch's exit codes are not enough:
                    a job cancelled for a dependency never satisfied looks
                    like a success to 'sbatch --wait') and refuses, naming
                    the missing tasks, until all are done

With --submit they are submitted at once and the job ids printed. When a
task fails, Slurm leaves what depends on it pending forever (reason
DependencyNeverSatisfied): cancel those jobs and run this command again
with --resubmit --submit, which submits only the extract, pairs and covers
tasks that are not done and a new merge. Each job's output goes to
W/slurm/KIND-JOBID_TASK.out.

The scripts call this cxray binary by its absolute path (or --cxray) and
need the work folder, the model and the data on a file system every node
sees. The same protocol runs under any scheduler: see docs/scale-out.md.`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "dir", Required: true, Usage: "work `FOLDER` of a sharded run (cxray shard plan --dir)"},
			&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` the merge writes"},
			&cli.StringFlag{Name: "run", Usage: "run `NAME` the merge writes (default: the dataset and the number of shards)"},
			&cli.BoolFlag{Name: "submit", Usage: "submit the jobs with sbatch and print their ids"},
			&cli.BoolFlag{Name: "resubmit", Usage: "only the tasks that are not done, and a new merge"},
			&cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` of each task (cxray's --memory); the job asks Slurm for 512 MB more"},
			&cli.IntFlag{Name: "cpus", Value: 1, Usage: "`CPUS` per task"},
			&cli.StringFlag{Name: "partition", Usage: "Slurm `PARTITION` (default: the cluster's)"},
			&cli.StringFlag{Name: "time", Usage: "Slurm time `LIMIT` per task, e.g. 2:00:00 (default: the partition's)"},
			&cli.StringFlag{Name: "cxray", Usage: "path of the cxray `BINARY` on the nodes (default: this one)"},
		},
		Action: runSlurm,
	}
}

func runSlurm(c *cli.Context) error {
	dir, err := filepath.Abs(c.String("dir"))
	if err != nil {
		return err
	}
	budget, err := plan.ParseBytes(c.String("memory"))
	if err != nil {
		return fmt.Errorf("--memory: %w", err)
	}
	m, err := shard.Load(dir)
	if err != nil {
		return err
	}
	bin := c.String("cxray")
	if bin == "" {
		if bin, err = os.Executable(); err != nil {
			return fmt.Errorf("cannot find this binary's path: %w; give --cxray", err)
		}
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	db, err := filepath.Abs(c.String("db"))
	if err != nil {
		return err
	}
	extract, pairs, covers := allTasks(m.ExtractTasks()), allTasks(m.PairTasks()), allTasks(m.CoverTasks())
	if c.Bool("resubmit") {
		extract, _ = shard.Missing(dir, shard.KindExtract, m.ExtractTasks(), true)
		pairs, _ = shard.Missing(dir, shard.KindPairs, m.PairTasks(), true)
		covers, _ = shard.Missing(dir, shard.KindCovers, m.CoverTasks(), true)
	}
	j := slurmJobs{
		dir: dir, bin: bin, db: db, run: c.String("run"), memory: c.String("memory"), covers: m.CoverTasks() > 0,
		memMB: budget>>20 + 512, cpus: c.Int("cpus"), partition: c.String("partition"), time: c.String("time"),
	}
	if err := j.write(); err != nil {
		return err
	}
	chain := j.chain(shard.Ranges(extract), shard.Ranges(pairs), shard.Ranges(covers))
	script := "#!/bin/sh\n# Submits the sharded run's jobs; written by cxray slurm.\nset -eu\n" + strings.Join(chain.shell(), "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "slurm", "submit.sh"), []byte(script), 0o755); err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "%s: %s tasks to run, then the merge into %s\n", filepath.Join(dir, "slurm", "submit.sh"),
		taskCounts(len(extract), len(pairs), len(covers), j.covers), db)
	if !c.Bool("submit") {
		return nil
	}
	ids, err := chain.submit()
	for _, id := range ids {
		fmt.Fprintf(c.App.Writer, "submitted %s job %s\n", id[0], id[1])
	}
	return err
}

func allTasks(n int) []int {
	ts := make([]int, n)
	for i := range ts {
		ts[i] = i
	}
	return ts
}

// slurmJobs writes the sbatch scripts of a sharded run.
type slurmJobs struct {
	dir, bin, db, run, memory string
	memMB                     int64
	cpus                      int
	partition, time           string
	covers                    bool // the run measures T1: covers tasks
}

// write writes W/slurm/{extract,pairs,merge}.sbatch, and covers.sbatch
// when the run has covers tasks.
func (j slurmJobs) write() error {
	if err := os.MkdirAll(filepath.Join(j.dir, "slurm"), 0o777); err != nil {
		return err
	}
	merge := []string{j.bin, "shard", "merge", "--dir", j.dir, "--db", j.db}
	if j.run != "" {
		merge = append(merge, "--run", j.run)
	}
	jobs := map[string][]string{
		"extract": {j.bin, "shard", "extract", "--dir", j.dir, "--memory", j.memory},
		"pairs":   {j.bin, "shard", "pairs", "--dir", j.dir, "--memory", j.memory},
		"merge":   merge,
	}
	if j.covers {
		jobs["covers"] = []string{j.bin, "shard", "covers", "--dir", j.dir}
	}
	for kind, cmd := range jobs {
		out := "%A_%a"
		if kind == "merge" {
			out = "%j"
		}
		var b bytes.Buffer
		fmt.Fprintf(&b, "#!/bin/sh\n#SBATCH --job-name=cxray-%s\n#SBATCH --output=%s\n#SBATCH --cpus-per-task=%d\n#SBATCH --mem=%d\n",
			kind, filepath.Join(j.dir, "slurm", kind+"-"+out+".out"), j.cpus, j.memMB)
		if j.partition != "" {
			fmt.Fprintf(&b, "#SBATCH --partition=%s\n", j.partition)
		}
		if j.time != "" {
			fmt.Fprintf(&b, "#SBATCH --time=%s\n", j.time)
		}
		fmt.Fprintf(&b, "# The task index comes from $SLURM_ARRAY_TASK_ID.\nexec %s\n", shellJoin(cmd))
		if err := os.WriteFile(filepath.Join(j.dir, "slurm", kind+".sbatch"), b.Bytes(), 0o755); err != nil {
			return err
		}
	}
	return nil
}

// sbatchChain is the sbatch calls of a run, each depending on the last.
type sbatchChain struct {
	dir   string
	steps []sbatchStep
}

type sbatchStep struct {
	kind, array, dep string // dep: afterok or afterany on the previous step
}

// chain lists the jobs to submit: the arrays of the given tasks (skipped
// when empty), then the merge.
func (j slurmJobs) chain(extract, pairs, covers string) sbatchChain {
	c := sbatchChain{dir: j.dir}
	if extract != "" {
		c.steps = append(c.steps, sbatchStep{kind: "extract", array: extract})
	}
	if pairs != "" {
		c.steps = append(c.steps, sbatchStep{kind: "pairs", array: pairs, dep: "afterok"})
	}
	if covers != "" {
		// afterany: a covers task checks the pairs tasks itself; afterok
		// would leave it, and the merge after it, pending for ever when
		// one pairs task fails.
		c.steps = append(c.steps, sbatchStep{kind: "covers", array: covers, dep: "afterany"})
	}
	c.steps = append(c.steps, sbatchStep{kind: "merge", dep: "afterany"})
	return c
}

// args are one step's sbatch arguments, with the previous job id prev.
func (s sbatchStep) args(dir, prev string) []string {
	a := []string{"--parsable"}
	if s.array != "" {
		a = append(a, "--array="+s.array)
	}
	if s.dep != "" && prev != "" {
		a = append(a, "--dependency="+s.dep+":"+prev)
	}
	return append(a, filepath.Join(dir, "slurm", s.kind+".sbatch"))
}

// shell is the chain as shell lines.
func (c sbatchChain) shell() []string {
	var lines []string
	prev := ""
	for _, s := range c.steps {
		v := strings.ToUpper(s.kind)
		args := s.args(c.dir, "")
		if s.dep != "" && prev != "" {
			// The previous job's id is only known when the script runs.
			dep := fmt.Sprintf(`--dependency=%s:"$%s"`, s.dep, prev)
			args = append(append(args[:len(args)-1:len(args)-1], dep), args[len(args)-1])
		}
		lines = append(lines, fmt.Sprintf("%s=$(sbatch %s)", v, shellArgs(args)), fmt.Sprintf(`echo "%s job $%s"`, s.kind, v))
		prev = v
	}
	return lines
}

// shellArgs quotes args for a POSIX shell, but a --dependency argument
// that refers to a shell variable.
func shellArgs(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if strings.HasPrefix(a, "--dependency=") && strings.Contains(a, `:"$`) {
			q[i] = a
		} else {
			q[i] = shellQuote(a)
		}
	}
	return strings.Join(q, " ")
}

// submit runs the chain's sbatch calls and returns (kind, job id) pairs.
func (c sbatchChain) submit() ([][2]string, error) {
	if _, err := exec.LookPath("sbatch"); err != nil {
		return nil, errors.New("sbatch is not on PATH: run this on a Slurm login node, or submit W/slurm/submit.sh there")
	}
	var ids [][2]string
	prev := ""
	for _, s := range c.steps {
		var out, stderr bytes.Buffer
		cmd := exec.Command("sbatch", s.args(c.dir, prev)...)
		cmd.Stdout, cmd.Stderr = &out, &stderr
		if err := cmd.Run(); err != nil {
			return ids, fmt.Errorf("sbatch %s: %v: %s", s.kind, err, strings.TrimSpace(stderr.String()))
		}
		id := strings.TrimSpace(strings.SplitN(out.String(), ";", 2)[0])
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			return ids, fmt.Errorf("sbatch %s printed %q, not a job id", s.kind, out.String())
		}
		ids = append(ids, [2]string{s.kind, id})
		prev = id
	}
	return ids, nil
}

// shellJoin quotes args for a POSIX shell.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		q[i] = shellQuote(a)
	}
	return strings.Join(q, " ")
}

// shellQuote leaves a word of safe characters as it is and puts any other
// in single quotes.
func shellQuote(a string) string {
	if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,%+@") == "" {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}
