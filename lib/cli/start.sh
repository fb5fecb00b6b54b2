#!/bin/sh
# `npm start`. The TypeScript step (lib/cli/start.ts --prepare) validates the environment, migrates the database and
# builds if the source changed, writes the server's environment and arguments to a file, and exits; this shell then
# replaces itself with `next start`. So only npm and the server stay running: a launcher that stayed as the
# server's parent cost two more Node processes (tsx, the script and its esbuild service: about 145 MB) for as long as the server ran.
# package.json runs this file with `exec`, so the `sh -c` npm starts is replaced too; npm itself stays as the parent.
set -e
cd "$(dirname "$0")/../.."
server_env=$(mktemp)
trap 'rm -f "$server_env"' EXIT INT TERM
node_modules/.bin/tsx lib/cli/start.ts --prepare "$server_env"
. "$server_env"
rm -f "$server_env"
trap - EXIT INT TERM
exec node_modules/.bin/next "$@"
