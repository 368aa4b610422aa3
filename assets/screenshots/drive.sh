#!/usr/bin/env bash
# Drives the real window on a private Xvfb display and saves screenshots along the way.
#   usage: drive.sh STEPS_FILE -- COMMAND [ARGS...]
# STEPS_FILE holds one step a line: `click X Y`, `key KEYS...` (xdotool key names), `type TEXT`,
# `sleep SECONDS`, `shot OUT.png`. Needs Xvfb, xdotool and ImageMagick's `import`
# (apt-get install xvfb xdotool imagemagick libgl1-mesa-dri). The screen is 1366x768.
set -u
steps=${1:?usage: drive.sh STEPS_FILE -- COMMAND...}; shift
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "no command given" >&2; exit 2; }
disp=$(( (RANDOM % 400) + 500 ))
while [ -e /tmp/.X11-unix/X$disp ]; do disp=$((disp + 1)); done
Xvfb ":$disp" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 & xpid=$!
sleep 1
export DISPLAY=":$disp"
XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} "$@" >/tmp/drive-app.$$.log 2>&1 & apid=$!
# Wait for the window, then give it the keyboard (without a window manager nobody does).
win=$(timeout 60 xdotool search --sync --onlyvisible --name zoufang | head -1)
sleep 2
[ -n "$win" ] && xdotool windowfocus --sync "$win"
rc=0
while read -r verb rest; do
  case "$verb" in
    ''|'#'*) ;;
    click) xdotool mousemove $rest click 1 ;;
    key) xdotool key --delay 120 $rest ;;
    type) xdotool type --delay 80 "$rest" ;;
    sleep) sleep "$rest" ;;
    shot) sleep 1; import -window root "$rest" && echo "saved $rest" || rc=1 ;;
    *) echo "unknown step: $verb" >&2; rc=2 ;;
  esac
  sleep 0.4
done < "$steps"
kill "$apid" 2>/dev/null; wait "$apid" 2>/dev/null
kill "$xpid" 2>/dev/null; wait "$xpid" 2>/dev/null
[ $rc = 0 ] || tail -20 /tmp/drive-app.$$.log
rm -f /tmp/drive-app.$$.log
exit $rc
