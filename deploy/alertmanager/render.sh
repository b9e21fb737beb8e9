#!/usr/bin/env bash
# Print deploy/alertmanager/alertmanager.yml with its two placeholders filled in:
#
#   sudo deploy/alertmanager/render.sh /etc/scalpbot/alertmanager-telegram.token CHAT_ID \
#     | sudo install -m 0640 -o root -g prometheus /dev/stdin /etc/prometheus/alertmanager.yml
#
# The token is read from TOKEN_FILE with bash builtins only (read, ${//}, printf), so it
# never appears on any process's command line (ps, /proc/*/cmdline) nor in the shell
# history. TOKEN_FILE must be private to its owner (mode 0600 or 0400), as ssh
# requires of a private key.
set -euo pipefail

usage() { echo "usage: $0 TOKEN_FILE CHAT_ID [ALERTMANAGER_YML]" >&2; exit 2; }
[[ $# -ge 2 && $# -le 3 ]] || usage
token_file=$1
chat_id=$2
template=${3:-$(dirname "$0")/alertmanager.yml}

[[ $chat_id =~ ^-?[0-9]+$ ]] || { echo "$0: CHAT_ID must be a number (got '$chat_id')" >&2; exit 2; }
[[ -f $token_file && -r $token_file ]] || { echo "$0: cannot read $token_file" >&2; exit 1; }
mode=$(stat -c %a -- "$token_file")
if (( 8#$mode & 8#077 )); then
    echo "$0: $token_file is accessible by group or others (mode $mode): chmod 600 $token_file" >&2
    exit 1
fi
IFS= read -r token <"$token_file" || [[ -n ${token:-} ]]
token=${token%$'\r'}
[[ -n $token ]] || { echo "$0: $token_file is empty" >&2; exit 1; }

placeholder=REPLACE_WITH_TELEGRAM_BOT_TOKEN
while IFS= read -r line || [[ -n $line ]]; do
    if [[ ! $line =~ ^[[:space:]]*# ]]; then  # comments keep the placeholder names
        line=${line//"$placeholder"/"$token"}
        line=${line//-1001234567890/"$chat_id"}
    fi
    printf '%s\n' "$line"
done <"$template"
