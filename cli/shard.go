package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/urfave/cli/v2"

	"cxray/sql"
	"cxray/stream/analysis"
	"cxray/stream/measure/survey"
	"cxray/stream/plan"
	"cxray/stream/shard"
	"cxray/stream/tap"
)

// taskEnv are the environment variables schedulers set to a task's index:
// Slurm's job arrays and Kubernetes' Indexed Jobs.
var taskEnv = []string{"SLURM_ARRAY_TASK_ID", "JOB_COMPLETION_INDEX"}

func shardCommand() *cli.Command {
	dirFlag := func() cli.Flag {
		return &cli.StringFlag{Name: "dir", Required: true, Usage: "work `FOLDER` of the sharded run, on a file system every task sees"}
	}
	taskFlag := func(kind string) cli.Flag {
		return &cli.IntFlag{Name: "task", Value: -1, EnvVars: taskEnv, Usage: "the " + kind + " task's `INDEX` (default: $SLURM_ARRAY_TASK_ID or $JOB_COMPLETION_INDEX)"}
	}
	memFlag := func(what string) cli.Flag {
		return &cli.StringFlag{Name: "memory", Value: "1GB", Usage: "memory `BUDGET` of " + what}
	}
	planFlags := append(pickFlags(analyzeCommand(), append(dataFlags, "summary", "seed")),
		&cli.StringFlag{Name: "measures", Value: "n1", Usage: "measures: n1, or n1 and any of F1 F1v F2 T2 T3 T4 C1 C2 NC1 CKA_prev CKA_input (merged from each shard's states), N2 N3 T1 (from the pairs tasks' nearest neighbours; T1 adds covers tasks); the others need every shard's points together and are refused"},
		dirFlag(),
		&cli.IntFlag{Name: "shards", Value: 4, Usage: "split the samples into `S` shards: S extract tasks and S(S-1)/2 shard pairs"},
		&cli.IntFlag{Name: "max-tasks", Value: shard.MaxArrayTasks, Usage: "at most `T` pairs tasks (several pairs per task beyond; Slurm's MaxArraySize is 1001 by default)"},
		memFlag("loading the model here"),
	)
	return &cli.Command{
		Name:  "shard",
		Usage: "exact N1 (and the measures that merge) of a dataset too large for one machine, as independent tasks for a cluster",
		Description: `A sharded run splits the samples into S shards and measures exact N1 of every
layer as plain commands, each keyed by one task index, that any scheduler
can run (cxray slurm writes the Slurm scripts):

   cxray shard plan    --dir W --shards 4 [--model M.onnx --data ... --layers ...]
   cxray shard extract --dir W --task I     (I = 0..S-1: the forward pass over shard I)
   cxray shard pairs   --dir W --task T     (the trees of shard pairs, after extract)
   cxray shard covers  --dir W --task T     (T1 only: its hyperspheres, after every pairs task)
   cxray shard merge   --dir W --db out.duckdb --run NAME
   cxray shard status  --dir W              (which tasks are not done)

The tree of all points under the total order of edges (squared distance,
then the smaller sample index, then the larger) is contained in the union
of the trees of the shard pairs, so the merge is exact: N1 equals
'cxray analyze --ties total' on one machine. Workers write files into the
work folder W (each task renames its output into place and writes a marker
with checksums last); only the merge writes the database, and it refuses,
naming them, while tasks are missing. A task can run again at any time and
writes the same bytes.

plan --measures adds measures whose states merge: F1, F1v, F2, T2, T3, T4,
C1, C2 and NC1 (equal to one machine's to 1e-9) and CKA_prev, CKA_input
(minibatches within each shard). Each extract task writes its layers'
states beside the points; the merge merges them. N2 and N3 come from the
nearest neighbours the pairs tasks find, and T1 from its hyperspheres,
which covers tasks find once every pairs task is done (the radii need
every point's nearest enemy): all three equal 'cxray analyze --ties
total' exactly. Refused, because they need every shard's points together:

   ` + strings.Join(shard.Refused(), "\n   "),
		Subcommands: []*cli.Command{
			{
				Name:      "plan",
				Usage:     "check the dataset and model and write the manifest of a sharded run",
				UsageText: "cxray shard plan --dir W --shards S [--model M.onnx] [--data ...] [--layers ...]",
				Flags:     planFlags,
				Action: func(c *cli.Context) error {
					budget, err := plan.ParseBytes(c.String("memory"))
					if err != nil {
						return fmt.Errorf("--memory: %w", err)
					}
					spec, err := dataSpec(c, budget)
					if err != nil {
						return err
					}
					if spec.Measures, err = survey.Parse(c.String("measures")); err != nil {
						return fmt.Errorf("--measures: %w", err)
					}
					spec.Options = tap.DefaultOptions()
					if spec.Options.Summary, err = tap.ParseSummary(c.String("summary")); err != nil {
						return fmt.Errorf("--summary: %w", err)
					}
					spec.Options.Seed = c.Uint64("seed")
					m, err := shard.Plan(spec, c.Int("shards"), c.Int("max-tasks"), Version)
					if err != nil {
						return err
					}
					if err := m.Save(c.String("dir")); err != nil {
						return err
					}
					fmt.Fprintf(c.App.Writer, "%s: %d samples of %s, %d layers, %d shards: extract tasks 0-%d, pairs tasks 0-%d (%d pairs, %d per task)",
						filepath.Join(c.String("dir"), shard.ManifestName), m.N, m.Name, len(m.Layers), m.Shards(),
						m.ExtractTasks()-1, m.PairTasks()-1, len(m.Pairs), m.PairsPerTask)
					if m.CoverTasks() > 0 {
						fmt.Fprintf(c.App.Writer, ", covers tasks 0-%d (T1, after every pairs task)", m.CoverTasks()-1)
					}
					fmt.Fprintln(c.App.Writer)
					return nil
				},
			},
			{
				Name:      "extract",
				Usage:     "run the forward pass over one shard and write its layers' points and states",
				UsageText: "cxray shard extract --dir W --task I",
				Flags:     []cli.Flag{dirFlag(), taskFlag("extract"), memFlag("the forward pass")},
				Action: func(c *cli.Context) error {
					budget, err := plan.ParseBytes(c.String("memory"))
					if err != nil {
						return fmt.Errorf("--memory: %w", err)
					}
					t, err := taskIndex(c)
					if err != nil {
						return err
					}
					ctx, stop := signalContext()
					defer stop()
					return shard.Extract(ctx, c.String("dir"), t, budget)
				},
			},
			{
				Name:      "pairs",
				Usage:     "compute the trees of one task's shard pairs and write their edges",
				UsageText: "cxray shard pairs --dir W --task T",
				Flags:     []cli.Flag{dirFlag(), taskFlag("pairs"), memFlag("the tree's workspace beside the two shards' points")},
				Action: func(c *cli.Context) error {
					budget, err := plan.ParseBytes(c.String("memory"))
					if err != nil {
						return fmt.Errorf("--memory: %w", err)
					}
					t, err := taskIndex(c)
					if err != nil {
						return err
					}
					ctx, stop := signalContext()
					defer stop()
					return shard.Pairs(ctx, c.String("dir"), t, shard.Tree(budget))
				},
			},
			{
				Name:      "covers",
				Usage:     "find, for T1, the points inside every point's hypersphere among one task's shard pairs",
				UsageText: "cxray shard covers --dir W --task T",
				Description: `The second phase of T1, run once every pairs task is done: task T takes
the shard pairs of pairs task T, merges every pairs task's nearest
enemies into T1's radii (as one machine computes them) and writes, per
layer, the pairs of samples (i, j) with j inside i's hypersphere, each
pair of samples written by one task only. It holds two shards' points of
one layer and 24 bytes per sample.`,
				Flags: []cli.Flag{dirFlag(), taskFlag("covers")},
				Action: func(c *cli.Context) error {
					t, err := taskIndex(c)
					if err != nil {
						return err
					}
					ctx, stop := signalContext()
					defer stop()
					return shard.Covers(ctx, c.String("dir"), t)
				},
			},
			{
				Name:      "merge",
				Usage:     "check every task, run Kruskal over the pair trees, merge the states and write the run",
				UsageText: "cxray shard merge --dir W --db out.duckdb [--run NAME]",
				Flags: []cli.Flag{
					dirFlag(),
					&cli.StringFlag{Name: "db", Value: "cxray.duckdb", Usage: "DuckDB `FILE` to write (created if missing; runs accumulate)"},
					&cli.StringFlag{Name: "run", Usage: "run `NAME` (default: the dataset and the number of shards)"},
				},
				Action: func(c *cli.Context) error {
					// Refuse before the database is touched.
					m, err := shard.Status(c.String("dir"), true)
					if err != nil {
						return err
					}
					store, ctx, closeStore, err := openStore(c)
					if err != nil {
						return err
					}
					defer closeStore()
					name := c.String("run")
					if name == "" {
						name = fmt.Sprintf("%s, %d shards", m.Name, m.Shards())
					}
					run, results, err := shard.Merge(ctx, c.String("dir"), store, sql.RunInfo{Name: name, Version: Version})
					if err != nil {
						return err
					}
					fmt.Fprintf(c.App.Writer, "run %d %q\n", run.ID(), name)
					tw := tabwriter.NewWriter(c.App.Writer, 0, 0, 2, ' ', 0)
					fmt.Fprintln(tw, "layer_index\tlayer_name\tdim\tN1\tunion_edges")
					for _, r := range results {
						fmt.Fprintf(tw, "%d\t%s\t%d\t%.6f\t%d\n", r.Layer.Index, r.Layer.Name, r.Layer.Dim, r.N1, r.Edges)
					}
					if err := tw.Flush(); err != nil {
						return err
					}
					return printShardMeasures(c, results)
				},
			},
			{
				Name:      "status",
				Usage:     "say which tasks of a sharded run are not done",
				UsageText: "cxray shard status --dir W [--verify]",
				Flags: []cli.Flag{
					dirFlag(),
					&cli.BoolFlag{Name: "verify", Usage: "also check every file's checksum (reads every file)"},
				},
				Action: func(c *cli.Context) error {
					m, err := shard.Status(c.String("dir"), c.Bool("verify"))
					var me *shard.MissingError
					if errors.As(err, &me) {
						fmt.Fprintf(c.App.Writer, "extract: %d of %d missing %s\npairs: %d of %d missing %s\n",
							len(me.Extract), m.ExtractTasks(), shard.Ranges(me.Extract), len(me.Pairs), m.PairTasks(), shard.Ranges(me.Pairs))
						if m.CoverTasks() > 0 {
							fmt.Fprintf(c.App.Writer, "covers: %d of %d missing %s\n", len(me.Covers), m.CoverTasks(), shard.Ranges(me.Covers))
						}
						return err
					}
					if err != nil {
						return err
					}
					fmt.Fprintf(c.App.Writer, "all %s tasks done: run cxray shard merge --dir %s\n",
						taskCounts(m.ExtractTasks(), m.PairTasks(), m.CoverTasks(), m.CoverTasks() > 0), c.String("dir"))
					return nil
				},
			},
		},
	}
}

// taskIndex reads --task, which a scheduler may give through its
// environment.
func taskIndex(c *cli.Context) (int, error) {
	t := c.Int("task")
	if t < 0 {
		return 0, fmt.Errorf("--task: give the task's index (or run under a scheduler that sets $%s or $%s)", taskEnv[0], taskEnv[1])
	}
	return t, nil
}

// printShardMeasures prints the measures beyond N1 of a merge, one row
// per layer and measure, and the skipped ones on stderr.
func printShardMeasures(c *cli.Context, results []shard.Result) error {
	var extra []analysis.Result
	for _, r := range results {
		for _, why := range r.Skipped {
			fmt.Fprintf(c.App.ErrWriter, "warning: layer %d %s: skipped %s\n", r.Layer.Index, r.Layer.Name, why)
		}
		if len(r.Extra) > 0 {
			extra = append(extra, analysis.Result{Layer: tap.Layer{Index: r.Layer.Index, Name: r.Layer.Name, Dim: r.Layer.Dim}, Extra: r.Extra})
		}
	}
	return printMeasures(c.App.Writer, extra)
}

// taskCounts says how many tasks of each kind, naming covers tasks only
// when the run has them (withCovers).
func taskCounts(extract, pairs, covers int, withCovers bool) string {
	if withCovers {
		return fmt.Sprintf("%d extract, %d pairs and %d covers", extract, pairs, covers)
	}
	return fmt.Sprintf("%d extract and %d pairs", extract, pairs)
}
