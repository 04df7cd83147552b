package cli

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// strict makes cmd refuse positional arguments it does not take. urfave/cli
// stops reading flags at the first positional argument, so a stray word
// (`--limit 200 oops --db out.duckdb`) would silently drop every flag after
// it and run with their defaults. Commands with an ArgsUsage take
// arguments; sql's query must still come after every flag.
//
// Required flags are checked here too, after the arguments, so that a
// stray word is named rather than the required flag it hid.
func strict(cmd *cli.Command) *cli.Command {
	var required []string
	for _, f := range cmd.Flags {
		if sf, ok := f.(*cli.StringFlag); ok && sf.Required {
			sf.Required = false
			required = append(required, sf.Name)
		}
	}
	action := cmd.Action
	cmd.Action = func(c *cli.Context) error {
		args := c.Args().Slice()
		if cmd.ArgsUsage == "" && len(args) > 0 {
			return fmt.Errorf("%s: unexpected argument %q, so the flags after it were not read and nothing ran; every option is a --flag (see cxray %s --help)",
				cmd.Name, args[0], cmd.Name)
		}
		for _, name := range required {
			if !c.IsSet(name) {
				return fmt.Errorf("%s: required flag \"%s\" not set (see cxray %s --help)", cmd.Name, name, cmd.Name)
			}
		}
		for _, a := range args {
			if looksLikeFlag(a) {
				return fmt.Errorf("%s: flag %q comes after %q and was not read; put every flag before %s (see cxray %s --help)",
					cmd.Name, a, args[0], cmd.ArgsUsage, cmd.Name)
			}
		}
		return action(c)
	}
	return cmd
}

// looksLikeFlag reports whether a is -x or --x with x a letter, and not a
// negative number such as -1 in an unquoted query.
func looksLikeFlag(a string) bool {
	if !strings.HasPrefix(a, "-") {
		return false
	}
	a = strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
	return a != "" && (a[0] >= 'a' && a[0] <= 'z' || a[0] >= 'A' && a[0] <= 'Z')
}

// appAction runs when the first word is not a command: it names the
// commands and fails, rather than print the help and exit 0.
func appAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.ShowAppHelp(c)
	}
	names := make([]string, len(c.App.Commands))
	for i, cmd := range c.App.Commands {
		names[i] = cmd.Name
	}
	return fmt.Errorf("no command %q; the commands are %s (cxray --help)", c.Args().First(), strings.Join(names, ", "))
}
