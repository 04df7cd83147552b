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
	for _, sub := range cmd.Subcommands {
		strict(sub)
	}
	if cmd.Action == nil {
		cmd.Action = groupAction
		return cmd
	}
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
				commandPath(c), args[0], commandPath(c))
		}
		for _, name := range required {
			if !c.IsSet(name) {
				return fmt.Errorf("%s: required flag \"%s\" not set (see cxray %s --help)", commandPath(c), name, commandPath(c))
			}
		}
		for _, a := range args {
			if looksLikeFlag(a) {
				return fmt.Errorf("%s: flag %q comes after %q and was not read; put every flag before %s (see cxray %s --help)",
					commandPath(c), a, args[0], cmd.ArgsUsage, commandPath(c))
			}
		}
		return action(c)
	}
	return cmd
}

// commandPath is the command's name with its parents': "shard extract".
func commandPath(c *cli.Context) string {
	var names []string
	for _, ctx := range c.Lineage() {
		if ctx.Command != nil && ctx.Command.Name != "" && ctx.Command.Name != c.App.Name {
			names = append([]string{ctx.Command.Name}, names...)
		}
	}
	return strings.Join(names, " ")
}

// groupAction runs when a command that only groups subcommands (shard) is
// given a word that is not one of them.
func groupAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return cli.ShowSubcommandHelp(c)
	}
	var names []string
	for _, sub := range c.Command.Subcommands {
		if sub.Name != "help" {
			names = append(names, sub.Name)
		}
	}
	return fmt.Errorf("%s: no subcommand %q; the subcommands are %s (cxray %s --help)", commandPath(c), c.Args().First(), strings.Join(names, ", "), commandPath(c))
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
