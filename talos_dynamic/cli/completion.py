"""Shell completion for bash, zsh and fish, generated from the argparse parser.

TAB never starts Python when it can help it: subcommands, options and choices are written into the script,
and so are the bundled spec's operation names. The operation names of another spec come from a cached index
(one name a line) that every command loading that spec refreshes; only on a miss does the shell run
`talos-dynamic ops --names --spec S`, which writes the index for the next TAB.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Iterable
from pathlib import Path

from .options import cache_folder

OPERATION_COMMANDS = ("call", "describe")
FILE_OPTIONS = ("--spec", "--body", "--report-json", "--report-junit", "--baseline", "--tests")


def index_dir() -> Path:
    """Where the operation-name indexes live: $XDG_CACHE_HOME/talos-dynamic/operations."""
    return cache_folder("operations")


def index_key(spec: str) -> str:
    """The index file name of a spec, computed the same way by the shell scripts: a relative path is made
    absolute against the current directory, then every character but [A-Za-z0-9._-] becomes '_'."""
    if "://" not in spec and not spec.startswith("/"):
        spec = f"{os.getcwd()}/{spec}"
    return re.sub(r"[^A-Za-z0-9._-]", "_", spec)


def write_index(spec: str, names: Iterable[str]) -> None:
    """Refresh a spec's index (quietly: completion is a convenience, never a reason to fail)."""
    text = "".join(f"{name}\n" for name in names)
    path = index_dir() / index_key(spec)
    try:
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError:
        pass


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.option_strings and a.help != argparse.SUPPRESS]


def _takes_value(action: argparse.Action) -> bool:
    return action.nargs != 0


def _describe(action: argparse.Action) -> str:
    return (action.help or "").replace("'", "").replace("\n", " ")[:70]


def script(shell: str, parser: argparse.ArgumentParser, bundled_names: list[str]) -> str:
    """The completion script for `shell` (bash, zsh or fish)."""
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](parser, bundled_names)


def _bash_body(parser: argparse.ArgumentParser, bundled_names: list[str]) -> str:
    commands = _commands(parser)
    top = " ".join(o for a in _options(parser) for o in a.option_strings)
    valued = sorted(
        {o for sub in commands.values() for a in _options(sub) if _takes_value(a) for o in a.option_strings}
    )
    options = "\n".join(
        f"        {name}) words='{' '.join(o for a in _options(sub) for o in a.option_strings)}';;"
        for name, sub in commands.items()
    )
    choices = "\n".join(
        f"        {'|'.join(a.option_strings)}) {_bash_words(a.choices)}; return;;"
        for sub in commands.values()
        for a in _options(sub)
        if a.choices
    )
    positional_choices = "\n".join(
        f"        {name}) {_bash_words(a.choices)}; return;;"
        for name, sub in commands.items()
        for a in sub._actions
        if not a.option_strings and a.choices
    )
    return f"""
_talos_dynamic_operations() {{
    local spec=${{1:-$TALOS_DYNAMIC_SPEC}} index
    if [[ -z $spec ]]; then
        printf '%s\\n' {" ".join(bundled_names)}
        return
    fi
    [[ $spec != /* && $spec != *://* ]] && spec=$PWD/$spec
    index=${{XDG_CACHE_HOME:-$HOME/.cache}}/talos-dynamic/operations/${{spec//[^A-Za-z0-9._-]/_}}
    if [[ -r $index ]]; then
        printf '%s\\n' "$(<"$index")"
    else
        talos-dynamic ops --names --spec "$spec" 2>/dev/null
    fi
}}

_talos_dynamic() {{
    [[ -n ${{ZSH_VERSION-}} ]] && setopt local_options ksh_arrays
    local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD - 1]}} command= spec= words= i positionals=0
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${{COMP_WORDS[i]}} in
        --spec) spec=${{COMP_WORDS[i + 1]}}; ((i++));;
        {"|".join(valued) or "--"}) ((i++));;
        -*) ;;
        *) if [[ -z $command ]]; then command=${{COMP_WORDS[i]}}; else ((positionals++)); fi;;
        esac
    done
    case $prev in
        {"|".join(FILE_OPTIONS)}) COMPREPLY=($(compgen -f -- "$cur")); return;;
{choices}
        {"|".join(o for o in valued if o not in FILE_OPTIONS) or "--"}) return;;
    esac
    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then words='{top}'; else words='{" ".join(commands)}'; fi
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return
    fi
    if [[ $cur == -* ]]; then
        case $command in
{options}
        esac
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    elif [[ $positionals == 0 ]]; then
        case $command in
        {"|".join(OPERATION_COMMANDS)}) COMPREPLY=($(compgen -W "$(_talos_dynamic_operations "$spec")" -- "$cur"));;
{positional_choices}
        esac
    fi
}}
"""


def _bash_words(words: Iterable[object]) -> str:
    return f"COMPREPLY=($(compgen -W '{' '.join(map(str, words))}' -- \"$cur\"))"


def _bash(parser: argparse.ArgumentParser, bundled_names: list[str]) -> str:
    return (
        "# talos-dynamic completion for bash: source <(talos-dynamic completion bash)\n"
        + _bash_body(parser, bundled_names)
        + "complete -o default -F _talos_dynamic talos-dynamic\n"
    )


def _zsh(parser: argparse.ArgumentParser, bundled_names: list[str]) -> str:
    # zsh runs the bash functions through its own bashcompinit layer
    return (
        "# talos-dynamic completion for zsh: source <(talos-dynamic completion zsh)\n"
        "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n"
        + _bash_body(parser, bundled_names)
        + "complete -o default -F _talos_dynamic talos-dynamic\n"
    )


def _fish(parser: argparse.ArgumentParser, bundled_names: list[str]) -> str:
    commands = _commands(parser)
    valued = " ".join(
        o for sub in commands.values() for a in _options(sub) if _takes_value(a) for o in a.option_strings
    )
    lines = [
        "# talos-dynamic completion for fish: talos-dynamic completion fish | source",
        "function __talos_dynamic_operations",
        "    set -l tokens (commandline -opc)",
        "    set -l spec $TALOS_DYNAMIC_SPEC",
        "    set -l at (contains -i -- --spec $tokens)",
        "    and set spec $tokens[(math $at + 1)]",
        '    if test -z "$spec"',
        f"        printf '%s\\n' {' '.join(bundled_names)}",
        "        return",
        "    end",
        "    string match -qr '^(/|[a-z]+://)' -- $spec; or set spec $PWD/$spec",
        "    set -l cache $XDG_CACHE_HOME",
        '    test -n "$cache"; or set cache $HOME/.cache',
        "    set -l index $cache/talos-dynamic/operations/(string replace -ra '[^A-Za-z0-9._-]' _ -- $spec)",
        "    if test -r $index",
        "        cat $index",
        "    else",
        "        talos-dynamic ops --names --spec $spec 2>/dev/null",
        "    end",
        "end",
        "function __talos_dynamic_wants_operation",
        "    set -l words",
        "    set -l skip 0",
        "    for token in (commandline -opc)[2..-1]",
        "        if test $skip = 1",
        "            set skip 0",
        "        else if contains -- $token $__talos_dynamic_valued",
        "            set skip 1",
        "        else if not string match -q -- '-*' $token",
        "            set -a words $token",
        "        end",
        "    end",
        f"    test $skip = 0; and test (count $words) -eq 1; and contains -- $words[1] {' '.join(OPERATION_COMMANDS)}",
        "end",
        f"set -g __talos_dynamic_valued {valued}",
        "complete -c talos-dynamic -f",
        f"complete -c talos-dynamic -n __fish_use_subcommand -a '{' '.join(commands)}'",
        "complete -c talos-dynamic -n __talos_dynamic_wants_operation -a '(__talos_dynamic_operations)'",
    ]
    for action in _options(parser):
        lines.append(_fish_option("__fish_use_subcommand", action))
    for name, sub in commands.items():
        condition = f"__fish_seen_subcommand_from {name}"
        for action in _options(sub):
            lines.append(_fish_option(condition, action))
        for action in sub._actions:
            if not action.option_strings and action.choices:
                lines.append(f"complete -c talos-dynamic -n '{condition}' -a '{' '.join(map(str, action.choices))}'")
    return "\n".join(lines) + "\n"


def _fish_option(condition: str, action: argparse.Action) -> str:
    words = [f"complete -c talos-dynamic -n '{condition}'"]
    for option in action.option_strings:
        words.append(f"-l {option[2:]}" if option.startswith("--") else f"-s {option[1:]}")
    if _takes_value(action):
        words.append("-r" if any(o in FILE_OPTIONS for o in action.option_strings) else "-x")
        if any(o in FILE_OPTIONS for o in action.option_strings):
            words.append("-F")
    if action.choices:
        words.append(f"-a '{' '.join(map(str, action.choices))}'")
    if action.help:
        words.append(f"-d '{_describe(action)}'")
    return " ".join(words)
