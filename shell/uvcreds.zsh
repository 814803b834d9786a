# uvcreds for zsh: put `eval "$(uvcreds init zsh)"` in ~/.zshrc.
#
# On cd (chpwd) and before each prompt (precmd), `uvcreds hook zsh` runs only when something
# changed since it last ran; the variables it leaves (__uvcreds_dir, _stamp, _due, _watch)
# say what would be a change. Otherwise it costs a few stat calls and no process at all.

zmodload zsh/datetime  # $EPOCHSECONDS without running date

# Status 0 when uvcreds must run again. Builtins only: $(...) would fork.
__uvcreds_stale() {
  emulate -L zsh
  [[ -n ${__uvcreds_stamp-} && -e $__uvcreds_stamp ]] || return 0  # first run, or a subshell took the stamp
  (( EPOCHSECONDS < __uvcreds_due )) || return 0  # a token falls due
  local f d=$PWD
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

# zsh gives every hook function and the prompt the command's $? whatever a hook returns.
__uvcreds_hook() {
  emulate -L zsh  # with local_traps: the user's INT trap is back when this returns
  if __uvcreds_stale; then
    local out f
    out=$(@UVCREDS_EXE@ hook zsh)
    trap '' INT  # Ctrl-C must not leave the variables half set
    eval "$out"
    typeset -ga __uvcreds_had=()
    for f in "${__uvcreds_watch[@]}"; do [[ -e $f ]] && __uvcreds_had+=("$f"); done
  fi
}

# First in each list, once however often this is sourced.
typeset -ag precmd_functions chpwd_functions
(( ${precmd_functions[(I)__uvcreds_hook]} )) || precmd_functions=(__uvcreds_hook $precmd_functions)
(( ${chpwd_functions[(I)__uvcreds_hook]} )) || chpwd_functions=(__uvcreds_hook $chpwd_functions)
