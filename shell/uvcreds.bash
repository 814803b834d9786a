# uvcreds for bash 4.2+: put `eval "$(uvcreds init bash)"` at the end of ~/.bashrc.
#
# Before each prompt, `uvcreds hook bash` runs only when something changed since it last
# ran; the variables it leaves (__uvcreds_dir, _stamp, _due, _watch) say what would be a
# change. A prompt where nothing changed costs a few stat calls and no process at all.

# Status 0 when uvcreds must run again. Builtins only: $(...) would fork.
__uvcreds_stale() {
  [[ -n ${__uvcreds_stamp-} && -e $__uvcreds_stamp ]] || return 0  # first run, or a subshell took the stamp
  local now=${EPOCHSECONDS-} f d=$PWD
  [[ -n $now ]] || printf -v now '%(%s)T' -1 2>/dev/null  # bash < 5.0
  [[ -n $now ]] && (( now < __uvcreds_due )) || return 0  # a token falls due (no clock before bash 4.2: always)
  for f in "${__uvcreds_watch[@]}"; do
    [[ $f -nt $__uvcreds_stamp ]] && return 0  # created or edited since
  done
  for f in "${__uvcreds_had[@]}"; do
    [[ -e $f ]] || return 0  # deleted since
  done
  # uv reads its settings from the nearest directory with uv.toml or pyproject.toml, so a
  # subdirectory without them (and not a symlink, as uvcreds walks real paths) is the same.
  [[ $d == "$__uvcreds_dir" || $d == "${__uvcreds_dir%/}"/* ]] || return 0
  while [[ ${d:-/} != "$__uvcreds_dir" ]]; do
    [[ -L $d || -e $d/uv.toml || -e $d/pyproject.toml ]] && return 0
    d=${d%/*}
  done
  return 1
}

__uvcreds_hook() {
  local status=$? out int_trap f
  if __uvcreds_stale; then
    out=$(@UVCREDS_EXE@ hook bash)
    int_trap=$(trap -p SIGINT)
    trap -- '' SIGINT  # Ctrl-C must not leave the variables half set
    eval "$out"
    __uvcreds_had=()
    for f in "${__uvcreds_watch[@]}"; do [[ -e $f ]] && __uvcreds_had+=("$f"); done
    trap - SIGINT
    eval "$int_trap"
  fi
  return $status  # the user's prompt code sees the command's $?, not ours
}

# First in PROMPT_COMMAND, once however often this is sourced. In the bash 5.1+ array form
# an assignment without a subscript changes element 0, which runs first: the same code works.
__uvcreds_install() {
  local IFS=';'  # joins the array form with ';' for the test
  [[ ";${PROMPT_COMMAND[*]-};" == *";__uvcreds_hook;"* ]] && return
  PROMPT_COMMAND="__uvcreds_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
}
__uvcreds_install
unset -f __uvcreds_install
