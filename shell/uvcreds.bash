# uvcreds for bash 4.2+: put `eval "$(uvcreds init bash)"` at the end of ~/.bashrc.
#
# Before each prompt, and (bash 4.4+) before each command line runs, `uvcreds hook bash`
# runs only when something changed since it last ran; the variables it leaves
# (__uvcreds_dir, _stamp, _due, _watch, _vars) say what would be a change. A prompt or a
# command where nothing changed costs a few stat calls and no process at all.

# The watched variables as this shell has them, in one string: set or not, length, value
# (never exported). `uvcreds hook bash` redefines this for its own list, one expansion per
# variable and no loop; this one serves until it has run.
__uvcreds_values() {
  local v x s=
  for v in "${__uvcreds_vars[@]}"; do x=${!v-}; s+="${!v+set}${#x}:$x"; done
  __uvcreds_seen=$s
}

# Status 0 when uvcreds must run again. Builtins only: $(...) would fork.
__uvcreds_stale() {
  [[ -n ${__uvcreds_stamp+set} ]] || return 0  # the first run
  # An empty stamp: uvcreds could write none (a read-only cache); the clock still counts.
  [[ -z $__uvcreds_stamp || -e $__uvcreds_stamp ]] || return 0  # a subshell took the stamp
  local now=${EPOCHSECONDS-} f d=$PWD before=${__uvcreds_seen-}
  [[ -n $now ]] || printf -v now '%(%s)T' -1 2>/dev/null  # bash < 5.0
  [[ -n $now ]] && (( now < __uvcreds_due )) || return 0  # a token falls due, or a retry
  for f in "${__uvcreds_watch[@]}"; do
    [[ -n $__uvcreds_stamp && $f -nt $__uvcreds_stamp ]] && return 0  # created, edited or replaced since
  done
  for f in "${__uvcreds_had[@]}"; do
    [[ -e $f ]] || return 0  # deleted since
  done
  __uvcreds_values
  [[ $__uvcreds_seen == "$before" ]] || return 0  # a secret a binding names set, changed or unset
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
  [[ -n ${__uvcreds_off-} ]] && return $status
  if __uvcreds_stale; then
    if [[ ! -x @UVCREDS_EXE@ ]]; then  # uninstalled: say it once, then stand down
      printf 'uvcreds: %s is gone; the hook is off until `uvcreds init bash` runs again\n' @UVCREDS_EXE@ >&2
      __uvcreds_off=1
      return $status
    fi
    out=$(@UVCREDS_EXE@ hook bash ${__uvcreds_keyring:+--keyring} ${__uvcreds_store:+--store})
    int_trap=$(trap -p SIGINT)
    trap -- '' SIGINT  # Ctrl-C must not leave the variables half set
    eval "$out"
    __uvcreds_had=()
    for f in "${__uvcreds_watch[@]}"; do [[ -e $f ]] && __uvcreds_had+=("$f"); done
    __uvcreds_values
    trap - SIGINT
    eval "$int_trap"
  fi
  return $status  # the user's prompt code sees the command's $?, not ours
}

# Before the command line runs: a token that fell due while the prompt sat idle is renewed
# first. PS0 (expanded once per command line read, in this shell) arms the DEBUG trap by an
# arithmetic subscript, printing nothing; the trap's first command then checks, once.
__uvcreds_preexec() {
  __uvcreds_go=
  __uvcreds_hook
  return 0  # under extdebug a nonzero status would skip the user's command
}

# First in PROMPT_COMMAND, once however often this is sourced. In the bash 5.1+ array form
# an assignment without a subscript changes element 0, which runs first: the same code works.
__uvcreds_install() {
  local IFS=';'  # joins the array form with ';' for the test
  unset __uvcreds_off
  local arm='${__uvcreds_nil[__uvcreds_go=1]-}'
  # A DEBUG trap of the user's own is kept: then the check runs at the prompt only.
  if [[ -z $(trap -p DEBUG) || $(trap -p DEBUG) == *__uvcreds_preexec* ]] && (( BASH_VERSINFO[0] * 100 + BASH_VERSINFO[1] >= 404 )); then
    [[ ${PS0-} == *"$arm"* ]] || PS0="$arm${PS0-}"
    trap '[[ -z ${__uvcreds_go-} ]] || __uvcreds_preexec' DEBUG
  fi
  [[ ";${PROMPT_COMMAND[*]-};" == *";__uvcreds_hook;"* ]] && return
  PROMPT_COMMAND="__uvcreds_hook${PROMPT_COMMAND:+;$PROMPT_COMMAND}"
}
__uvcreds_install
unset -f __uvcreds_install
