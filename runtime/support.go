package runtime

import (
	"errors"
	"fmt"
	"strings"

	"cxray/importer"
)

// MaxOpset is the newest ai.onnx opset whose operators the kernels
// implement; a model of a later opset is refused.
const MaxOpset = 21

// inputList names the inputs and their types, for errors.
func inputList(ins []importer.ValueInfo) string {
	names := make([]string, len(ins))
	for i, in := range ins {
		names[i] = fmt.Sprintf("%q %s", in.Name, in.Type)
	}
	return strings.Join(names, ", ")
}

// checkInputs returns the data inputs the executor feeds, and refuses a
// graph without one or with one of a type it cannot feed: floats other
// than float32, strings, complex numbers.
func checkInputs(g *importer.Graph) ([]importer.ValueInfo, error) {
	ins := g.Inputs
	if len(ins) == 0 && g.Input.Name != "" {
		ins = []importer.ValueInfo{g.Input}
	}
	if len(ins) == 0 {
		return nil, errors.New("runtime: the graph has no data input (every graph input is an initializer)")
	}
	for _, in := range ins {
		if in.Type != importer.TypeFloat && in.Type != importer.TypeUndefined && !in.Type.IsInt() {
			return nil, fmt.Errorf("runtime: input %q is declared %s; cxray feeds float32 (FLOAT) and integer inputs: re-export the model with a float32 input", in.Name, in.Type)
		}
	}
	return ins, nil
}

// checkOps refuses a model of an opset past MaxOpset, and reports every
// operator cxray does not support in one error, one clause per operator
// with its count and an example node.
func checkOps(g *importer.Graph) error {
	if g.Opset > MaxOpset {
		return fmt.Errorf("runtime: the model declares ai.onnx opset %d, and cxray implements the operators through opset %d, whose meanings a later opset may change: export it at opset %d or lower (torch.onnx.export(..., opset_version=%d))", g.Opset, MaxOpset, MaxOpset, 17)
	}
	count := map[string]int{}
	var order []string
	example := map[string]string{}
	for i := range g.Nodes {
		n := &g.Nodes[i]
		if _, ok := ops[n.OpType]; ok {
			continue
		}
		if count[n.OpType] == 0 {
			order = append(order, n.OpType)
			example[n.OpType] = nodeName(n)
		}
		count[n.OpType]++
	}
	if len(order) == 0 {
		return nil
	}
	clauses := make([]string, len(order))
	for i, op := range order {
		if count[op] == 1 {
			clauses[i] = fmt.Sprintf("%s (node %s)", op, example[op])
		} else {
			clauses[i] = fmt.Sprintf("%s (%d nodes, e.g. %s)", op, count[op], example[op])
		}
	}
	return fmt.Errorf("runtime: the model uses %d op(s) that cxray does not support: %s (model opset %d); supported ops: %s",
		len(order), strings.Join(clauses, ", "), g.Opset, strings.Join(SupportedOps(), ", "))
}
