# uvcreds for fish 3.5+: put `uvcreds init fish | source` in ~/.config/fish/config.fish.
#
# On cd (PWD) and before each prompt, `uvcreds hook fish` runs only when something changed
# since it last ran; the variables it leaves (__uvcreds_dir, _stamp, _ttl, _watch) say what
# would be a change. Otherwise it costs a few stat calls and no process: `path`, `test`
# and `string` are builtins, and fish runs builtins in command substitutions in-process.
# Defining a function again replaces it and its event handlers, so sourcing twice is fine.

# Status 0 when uvcreds must run again.
function __uvcreds_stale
    set -q __uvcreds_stamp; and test -e "$__uvcreds_stamp"; or return 0 # first run, or a subshell took the stamp
    test (path mtime --relative -- $__uvcreds_stamp) -lt $__uvcreds_ttl; or return 0 # a token falls due
    for f in $__uvcreds_watch
        test "$f" -nt "$__uvcreds_stamp"; and return 0 # created or edited since
    end
    for f in $__uvcreds_had
        test -e "$f"; or return 0 # deleted since
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
function __uvcreds_hook --on-event fish_prompt --on-variable PWD
    if __uvcreds_stale
        set -l out (@UVCREDS_EXE@ hook fish | string collect)
        # Ctrl-C must not leave the variables half set: while fish has a handler for SIGINT
        # it does not cancel what is running.
        function __uvcreds_ignore_sigint --on-signal SIGINT
        end
        printf '%s\n' $out | source
        set -g __uvcreds_had (path filter -- $__uvcreds_watch)
        functions --erase __uvcreds_ignore_sigint
    end
end
