# uvcreds for fish 3.5+: put `uvcreds init fish | source` in ~/.config/fish/config.fish.
#
# On cd (PWD), before each prompt and before each command line runs (fish_preexec: a token
# that fell due while the prompt sat idle is renewed first), `uvcreds hook fish` runs only
# when something changed since it last ran; the variables it leaves (__uvcreds_dir, _stamp, _ttl, _watch, _vars)
# say what would be a change. Otherwise it costs a few stat calls and no process: `path`,
# `test`, `set` and `string` are builtins, and fish runs builtins in command substitutions
# in-process. Defining a function again replaces it and its event handlers, so sourcing
# twice is fine.

# Each watched variable as this shell has it: set or not, and its value (never exported).
function __uvcreds_values
    set -g __uvcreds_seen
    for v in $__uvcreds_vars
        if set -q $v
            set -a __uvcreds_seen "set:$$v"
        else
            set -a __uvcreds_seen ":"
        end
    end
end

# Status 0 when uvcreds must run again.
function __uvcreds_stale
    set -q __uvcreds_stamp; and test -e "$__uvcreds_stamp"; or return 0 # first run, or a subshell took the stamp
    test (path mtime --relative -- $__uvcreds_stamp) -lt $__uvcreds_ttl; or return 0 # a token falls due, or a retry
    for f in $__uvcreds_watch
        test "$f" -nt "$__uvcreds_stamp"; and return 0 # created, edited or replaced since
    end
    for f in $__uvcreds_had
        test -e "$f"; or return 0 # deleted since
    end
    set -l before $__uvcreds_seen
    __uvcreds_values # a secret a binding names set, changed or unset since:
    test (count $before) -eq (count $__uvcreds_seen); or return 0
    set -l i 1
    for value in $before
        test "$value" = "$__uvcreds_seen[$i]"; or return 0
        set i (math $i + 1) # math is a builtin: no process
    end
    # uv reads its settings from the nearest directory with uv.toml or pyproject.toml, so a
    # subdirectory without them (and not a symlink, as uvcreds walks real paths) is the same.
    set -l d $PWD
    set -l inside (string trim --right --chars=/ -- $__uvcreds_dir)/
    if test "$d" != "$__uvcreds_dir"; and test (string sub --length (string length -- $inside) -- $d) != "$inside"
        return 0
    end
    while test "$d" != "$__uvcreds_dir"
        test -L "$d" -o -e "$d/uv.toml" -o -e "$d/pyproject.toml"; and return 0
        set d (path dirname -- $d)
    end
    return 1
end

# fish gives the prompt the command's $status whatever an event handler does.
function __uvcreds_hook --on-event fish_prompt --on-event fish_preexec --on-variable PWD
    set -q __uvcreds_off; and return
    if __uvcreds_stale
        if not test -x @UVCREDS_EXE@ # uninstalled: say it once, then stand down
            printf 'uvcreds: %s is gone; the hook is off until `uvcreds init fish` runs again\n' @UVCREDS_EXE@ >&2
            set -g __uvcreds_off 1
            return
        end
        set -l out (@UVCREDS_EXE@ hook fish $__uvcreds_flags | string collect)
        # Ctrl-C must not leave the variables half set: while fish has a handler for SIGINT
        # it does not cancel what is running.
        function __uvcreds_ignore_sigint --on-signal SIGINT
        end
        printf '%s\n' $out | source
        set -g __uvcreds_had (path filter -- $__uvcreds_watch)
        __uvcreds_values
        functions --erase __uvcreds_ignore_sigint
    end
end
set -e __uvcreds_off
