package sql

import (
	"context"
	"math"
	"strings"
	"testing"
)

func TestAddTraining(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	r, err := s.BeginRun(ctx, RunInfo{Name: "lenet", Experiment: "training", Arch: "lenet5", TrainSize: 5000})
	if err != nil {
		t.Fatal(err)
	}
	checkRows(t, s, `SELECT experiment, arch, train_size FROM runs`, []string{"training lenet5 5000"})

	rows := []TrainingRow{
		{Epoch: 0, Step: 0, TrainLoss: 2.302, TrainAcc: 0.1, TestAcc: 0.098, Seconds: 0},
		{Epoch: 1, Step: 79, TrainLoss: 0.41, TrainAcc: 0.87, TestAcc: math.NaN(), Seconds: 1.25},
	}
	if err := r.AddTraining(ctx, rows); err != nil {
		t.Fatal(err)
	}
	if err := r.AddTraining(ctx, nil); err != nil {
		t.Errorf("empty call: %v", err)
	}
	checkRows(t, s, `SELECT run_id, epoch, step, train_loss, train_acc, test_acc, seconds FROM training ORDER BY ALL`, []string{
		"1 0 0 2.302 0.1 0.098 0",
		"1 1 79 0.41 0.87 <nil> 1.25",
	})

	// Refused calls write nothing.
	for _, tc := range []struct {
		name string
		rows []TrainingRow
		want string
	}{
		{"negative epoch", []TrainingRow{{Epoch: 2, Step: 1}, {Epoch: -1}}, "negative epoch"},
		{"negative step", []TrainingRow{{Epoch: 2, Step: -5}}, "negative step"},
		{"huge epoch", []TrainingRow{{Epoch: math.MaxInt32 + 1}}, "does not fit"},
		{"duplicate in call", []TrainingRow{{Epoch: 2, Step: 1}, {Epoch: 2, Step: 1}}, "both epoch 2, step 1"},
		// The second row repeats a stored one: the first must roll back.
		{"duplicate of stored", []TrainingRow{{Epoch: 2, Step: 1}, {Epoch: 1, Step: 79}}, "epoch 1, step 79"},
	} {
		err := r.AddTraining(ctx, tc.rows)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error mentioning %q", tc.name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", tc.name, err)
		}
		if n := queryInt(t, s, `SELECT count(*) FROM training`); n != 2 {
			t.Errorf("%s: %d training rows after a refused call, want 2", tc.name, n)
		}
	}

	if err := r.Complete(ctx); err != nil {
		t.Fatal(err)
	}
	err = r.AddTraining(ctx, []TrainingRow{{Epoch: 5, Step: 1}})
	if err == nil || !strings.Contains(err.Error(), "is complete") {
		t.Errorf("AddTraining on a complete run: %v", err)
	}
	if n := queryInt(t, s, `SELECT count(*) FROM training`); n != 2 {
		t.Errorf("%d training rows after adding to a complete run, want 2", n)
	}
}

func TestBeginRunTrainingFields(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	if _, err := s.BeginRun(ctx, RunInfo{Name: "bad", TrainSize: -1}); err == nil {
		t.Error("BeginRun accepted a negative TrainSize")
	}
	if _, err := s.BeginRun(ctx, RunInfo{Name: "analyze"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BeginRun(ctx, RunInfo{Name: "mlp", Experiment: "design", Arch: "mlp:256,128", TrainSize: 100}); err != nil {
		t.Fatal(err)
	}
	// Unset fields are NULL.
	checkRows(t, s, `SELECT name, experiment, arch, train_size FROM runs ORDER BY run_id`, []string{
		"analyze <nil> <nil> <nil>",
		"mlp design mlp:256,128 100",
	})
}
