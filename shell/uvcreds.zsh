# uvcreds for zsh: put `eval "$(uvcreds init zsh)"` in ~/.zshrc.
#
# On cd (chpwd), before each prompt (precmd) and before each command line runs (preexec:
# a token that fell due while the prompt sat idle is renewed first), `uvcreds hook zsh`
# runs only when something changed since it last ran; the variables it leaves (__uvcreds_dir, _stamp, _due, _watch,
# _vars) say what would be a change. Otherwise it costs a few stat calls and no process.

zmodload zsh/datetime  # $EPOCHSECONDS without running date

# Each watched variable as this shell has it: set or not, and its value (never exported).
# `uvcreds hook zsh` redefines this for its own list, with no loop; this serves until then.
__uvcreds_values() {
  emulate -L zsh
  local v
  typeset -ga __uvcreds_seen=()
  for v in "${__uvcreds_vars[@]}"; do __uvcreds_seen+=("${(P)+v}:${(P)v-}"); done
}

# Status 0 when uvcreds must run again. Builtins only: $(...) would fork.
__uvcreds_stale() {
  emulate -L zsh
  [[ -n ${__uvcreds_stamp+set} ]] || return 0  # the first run
  # An empty stamp: uvcreds could write none (a read-only cache); the clock still counts.
  [[ -z $__uvcreds_stamp || -e $__uvcreds_stamp ]] || return 0  # a subshell took the stamp
  (( EPOCHSECONDS < __uvcreds_due )) || return 0  # a token falls due, or a retry
  local f d=$PWD
  local -a before=("${__uvcreds_seen[@]}")
  for f in "${__uvcreds_watch[@]}"; do
    [[ -n $__uvcreds_stamp && $f -nt $__uvcreds_stamp ]] && return 0  # created, edited or replaced since
  done
  for f in "${__uvcreds_had[@]}"; do
    [[ -e $f ]] || return 0  # deleted since
  done
  __uvcreds_values  # a secret a binding names set, changed or unset since:
  [[ "${(j:\0:)__uvcreds_seen}" == "${(j:\0:)before}" && $#__uvcreds_seen == $#before ]] || return 0
  # uv reads its settings from the nearest directory with uv.toml or pyproject.toml, so a
  # subdirectory without them (and not a symlink, as uvcreds walks real paths) is the same.
  [[ $d == "$__uvcreds_dir" || $d == "${__uvcreds_dir%/}"/* ]] || return 0
  while [[ ${d:-/} != "$__uvcreds_dir" ]]; do
    [[ -L $d || -e $d/uv.toml || -e $d/pyproject.toml ]] && return 0
    d=${d%/*}
  done
  return 1
}

# zsh gives every hook function and the prompt the command's $? whatever a hook returns.
__uvcreds_hook() {
  emulate -L zsh  # with local_traps: the user's INT trap is back when this returns
  [[ -n ${__uvcreds_off-} ]] && return
  if __uvcreds_stale; then
    if [[ ! -x @UVCREDS_EXE@ ]]; then  # uninstalled: say it once, then stand down
      print -ru2 -- "uvcreds: "@UVCREDS_EXE@" is gone; the hook is off until \`uvcreds init zsh\` runs again"
      typeset -g __uvcreds_off=1
      return
    fi
    local out f
    out=$(@UVCREDS_EXE@ hook zsh ${__uvcreds_keyring:+--keyring} ${__uvcreds_store:+--store})
    trap '' INT  # Ctrl-C must not leave the variables half set
    eval "$out"
    typeset -ga __uvcreds_had=()
    for f in "${__uvcreds_watch[@]}"; do [[ -e $f ]] && __uvcreds_had+=("$f"); done
    __uvcreds_values
  fi
}

# First in each list, once however often this is sourced.
unset __uvcreds_off
typeset -ag precmd_functions chpwd_functions preexec_functions
(( ${precmd_functions[(I)__uvcreds_hook]} )) || precmd_functions=(__uvcreds_hook $precmd_functions)
(( ${chpwd_functions[(I)__uvcreds_hook]} )) || chpwd_functions=(__uvcreds_hook $chpwd_functions)
(( ${preexec_functions[(I)__uvcreds_hook]} )) || preexec_functions=(__uvcreds_hook $preexec_functions)
