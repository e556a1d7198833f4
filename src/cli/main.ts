import { Command } from 'commander';

// Commands load their modules on use: `roster webhook list` need not load the HTTP server.
const serve = async (o: object) => (await import('./serve.js')).serve(o);
const webhookCreate = async (o: Parameters<typeof import('./webhook.js').webhookCreate>[0]) => (await import('./webhook.js')).webhookCreate(o);
const webhookList = async (o: object) => (await import('./webhook.js')).webhookList(o);
const webhookRevoke = async (id: string, o: object) => (await import('./webhook.js')).webhookRevoke(id, o);

const program = new Command('roster').description('A Bitrix24-compatible messenger directory server').showHelpAfterError();

program
  .command('serve')
  .description('run the server')
  .option('--host <address>', 'address to listen on (ROSTER_HOST, default 127.0.0.1)')
  .option('--port <port>', 'HTTP port (ROSTER_PORT, default 8810)')
  .option('--db <location>', 'SQLite file, :memory: or postgres:// URL (ROSTER_DB, default ./data/roster.db)')
  .option('--demo', 'load the demo company into an empty directory and print an admin webhook')
  .option('--timezone <iana>', 'time zone of dates on the wire (ROSTER_TIMEZONE)')
  .option('--public-url <url>', 'base URL clients use (ROSTER_PUBLIC_URL)')
  .option('--max-ids <n>', 'most ids per call (ROSTER_MAX_IDS, default 1000)')
  .option('--body-limit <bytes>', 'largest request body (ROSTER_BODY_LIMIT, default 1048576)')
  .option('--max-params <n>', 'most parameter values per request (ROSTER_MAX_PARAMS, default 20000)')
  .option('--max-depth <n>', 'most levels of parameter nesting (ROSTER_MAX_DEPTH, default 32)')
  .option('--max-answer-users <n>', 'most user objects per answer, a batch counted whole (ROSTER_MAX_ANSWER_USERS, default 5000)')
  .option('--max-answer-bytes <bytes>', 'largest answer (ROSTER_MAX_ANSWER_BYTES, default 16777216)')
  .option('--request-timeout <seconds>', 'time to send a whole request (ROSTER_REQUEST_TIMEOUT, default 30)')
  .option('--headers-timeout <seconds>', 'time to send the request headers (ROSTER_HEADERS_TIMEOUT, default 10)')
  .option('--keep-alive-timeout <seconds>', 'idle keep-alive connection lifetime (ROSTER_KEEP_ALIVE_TIMEOUT, default 5)')
  .option('--max-connections <n>', 'most open connections per listener (ROSTER_MAX_CONNECTIONS, default 1024)')
  .option('--name-template <template>', 'display name template (ROSTER_NAME_TEMPLATE)')
  .option('--log-level <level>', 'log level (ROSTER_LOG_LEVEL, default warn)')
  .option('--limits <profile>', 'request limit per credential: standard, enterprise, off or BURST/DRAIN (ROSTER_LIMITS)')
  .option('--operating-budget <seconds>', 'operating-time budget per method and credential per 10 minutes (ROSTER_OPERATING_BUDGET, default 480)')
  .option('--redis <url>', 'share limits between instances through Redis (ROSTER_REDIS)')
  .option('--tls', 'serve HTTPS, with a generated development certificate unless --tls-cert/--tls-key (ROSTER_TLS)')
  .option('--tls-port <port>', 'HTTPS port next to the HTTP --port (ROSTER_TLS_PORT)')
  .option('--tls-cert <file>', 'PEM certificate (ROSTER_TLS_CERT)')
  .option('--tls-key <file>', 'PEM private key (ROSTER_TLS_KEY)')
  .option('--tls-host <names>', 'extra host names for the development certificate, comma separated (ROSTER_TLS_HOST)')
  .option('--data-dir <dir>', 'folder for generated files such as the development certificate (ROSTER_DATA_DIR, default ./data)')
  .option('--seed <file>', 'load this directory file into an empty database at start (ROSTER_SEED)')
  .option('--export-on-exit <file>', 'write the directory (without password hashes) to this file on SIGINT/SIGTERM (ROSTER_EXPORT_ON_EXIT)')
  .option('--admin-token <token>', 'enable /_roster admin endpoints guarded by this token (ROSTER_ADMIN_TOKEN)')
  .option('--journal-size <n>', 'REST calls the request journal keeps, 0 = off (ROSTER_JOURNAL_SIZE, default 10000)')
  .option('--faults <file>', 'JSON file of fault rules loaded at start (ROSTER_FAULTS)')
  .option('--clock <iso>', 'start with the clock frozen at this time (ROSTER_CLOCK)')
  .option('--metrics <on|off>', 'serve Prometheus metrics at /metrics (ROSTER_METRICS, default on)')
  .option('--metrics-token <token>', 'bearer token /metrics requires (ROSTER_METRICS_TOKEN)')
  .option('--changes-keep <limits>', 'how long the change feed keeps rows: 7d, 1000000 or 7d,1000000 (ROSTER_CHANGES_KEEP, default 7d,1000000)')
  .option('--reads <memory|sql>', 'answer read methods from the in-memory read model or from the store (ROSTER_READS, default memory)')
  .option('--cache-users <n>', 'most users whose serialized objects the read model keeps, LRU; 0 none (ROSTER_CACHE_USERS, default 100000)')
  .option('--event-timeout <seconds>', 'seconds an event handler has to answer (ROSTER_EVENT_TIMEOUT, default 10)')
  .option('--event-retries <n>', 'retries of a failed event delivery, exponential backoff (ROSTER_EVENT_RETRIES, default 0)')
  .option('--event-hosts <list>', 'hosts event handlers may be on, e.g. localhost,*.example.com (ROSTER_EVENT_HOSTS, default any)')
  .option('--events-on-import', 'send ONUSERADD for users an import adds (ROSTER_EVENTS_ON_IMPORT)')
  .action((o) => serve(o));

const webhook = program.command('webhook').description('incoming webhooks: create, list, revoke');
webhook
  .command('create')
  .description('create an incoming webhook and print its URL, or with --outgoing send events to a handler')
  .option('--user <id>', 'the user the webhook acts as')
  .option('--scope <list>', 'scopes, comma separated: im,imbot,user,user_basic,user_brief,department,sonet_group')
  .option('--outgoing', 'an outgoing webhook: --event names sent to --handler (no application needed)')
  .option('--event <name...>', 'outgoing: events to send, e.g. ONUSERADD (repeat or comma separate)')
  .option('--handler <url>', 'outgoing: the URL events are POSTed to')
  .option('--title <text>', 'a name to recognise it by')
  .option('--url <base>', 'server base URL printed in the webhook URL')
  .option('--json', 'print {"id","url","user_id","scope"}')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action((o) => webhookCreate(o));
webhook
  .command('list')
  .description('list webhooks (secrets are stored hashed and cannot be shown)')
  .option('--outgoing', 'list outgoing webhooks')
  .option('--json', 'print JSON')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action((o) => webhookList(o));
webhook
  .command('revoke <id>')
  .description('revoke a webhook: its URL stops working at once (--outgoing: delete an outgoing webhook)')
  .option('--outgoing', 'the id is an outgoing webhook\'s')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action((id, o) => webhookRevoke(id, o));

// OAuth applications, sign-in passwords and token pairs (issue #4)
const app = program.command('app').description('OAuth 2.0 applications: create, list, delete');
app
  .command('create')
  .description('register an application and print its client_id and client_secret')
  .requiredOption('--name <text>', 'the name shown on the sign-in page')
  .requiredOption('--scope <list>', 'scopes, comma separated: im,imbot,user,user_basic,user_brief,department,sonet_group')
  .option('--redirect-uri <url>', 'where the sign-in page sends the browser back (without it the page shows the code)')
  .option('--event-handler <url>', 'where ONAPPINSTALL and ONAPPUNINSTALL are sent')
  .option('--json', 'print {"id","client_id","client_secret","name","scope","redirect_uri"}')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (o) => (await import('./app.js')).appCreate(o));
app
  .command('list')
  .description('list applications (secrets are stored hashed and cannot be shown)')
  .option('--json', 'print JSON')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (o) => (await import('./app.js')).appList(o));
app
  .command('delete <client_id>')
  .description('delete an application: its tokens stop working at once')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (id, o) => (await import('./app.js')).appDelete(id, o));
app
  .command('install <client_id>')
  .description('install the application as an administrator would: a running server sends ONAPPINSTALL with fresh tokens')
  .option('--user <id>', 'the administrator who installs it (default 1)')
  .option('--handler <url>', 'set the handler ONAPPINSTALL and ONAPPUNINSTALL go to')
  .option('--json', 'print {"client_id","application_token"}')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (id, o) => (await import('./app.js')).appInstall(id, o));
app
  .command('uninstall <client_id>')
  .description('uninstall the application: ONAPPUNINSTALL is sent and its tokens are revoked')
  .option('--clean', 'the administrator asked to clear the application\'s data (data[CLEAN]=1)')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (id, o) => (await import('./app.js')).appUninstall(id, o));
program
  .command('deliveries')
  .description('the event delivery log: every attempt, tokens redacted (--follow keeps printing new ones)')
  .option('--event <name>', 'only this event')
  .option('--status <status>', 'ok or failed')
  .option('--since <when>', 'ISO 8601 instant or unix seconds')
  .option('--follow', 'keep printing attempts as they are made')
  .option('--json', 'one JSON object per line')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (o) => (await import('./deliveries.js')).deliveries(o));
const user = program.command('user').description('users: sign-in passwords');
user
  .command('password <id>')
  .description('set the password user <id> signs in with on the OAuth page (read from stdin unless --password)')
  .option('--password <text>', 'the password (visible in the process list: prefer stdin)')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (id, o) => (await import('./user.js')).userPassword(id, o));
const token = program.command('token').description('OAuth token pairs');
token
  .command('issue')
  .description('mint an access and refresh token pair for a user of an application, without the browser')
  .requiredOption('--app <client_id>', 'the application')
  .requiredOption('--user <id>', 'the user the tokens act as')
  .option('--url <base>', 'server base URL for client_endpoint and server_endpoint')
  .option('--json', 'print the /oauth/token/ answer as JSON')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (o) => (await import('./token.js')).tokenIssue(o));

// the control plane of a running server, over HTTP (docs/CONTROL.md)
const control = async () => import('./control.js');
const withServer = (c: Command) =>
  c.option('--url <base>', 'server base URL (default from ROSTER_PUBLIC_URL, ROSTER_HOST, ROSTER_PORT)').option('--admin-token <token>', 'the server\'s admin token (ROSTER_ADMIN_TOKEN)');
withServer(program.command('requests').description('show the request journal, newest last; --follow keeps printing new calls'))
  .option('--follow', 'keep printing calls as they arrive')
  .option('--method <name>', 'only this method')
  .option('--status <code>', 'only this HTTP status')
  .option('--error <code>', 'only this error code')
  .option('--credential <c>', 'only this credential: webhook id, client_id, user:<id>')
  .option('--limit <n>', 'at most this many (default 20)')
  .option('--count', 'print only how many calls match')
  .option('--clear', 'empty the journal')
  .option('--json', 'one JSON entry per line')
  .action(async (o) => (await control()).requestsCommand(o));
const faults = program.command('faults').description('scripted failures of a running server: add, list, clear');
withServer(faults.command('add [rule]').description('add a rule (JSON, e.g. \'{"method":"im.user.get","error":"expired_token","times":1}\') or the rules of --file'))
  .option('--file <file>', 'JSON file of rules')
  .action(async (rule, o) => (await control()).faultsAdd(rule, o));
withServer(faults.command('list').description('the rules with how often each fired')).action(async (o) => (await control()).faultsList(o));
withServer(faults.command('clear [id]').description('remove one rule, or all')).action(async (id, o) => (await control()).faultsClear(id, o));
withServer(program.command('clock').description('show or move the clock of a running server'))
  .option('--set <iso>', 'jump to this time')
  .option('--advance <seconds>', 'move forward (negative: back)')
  .option('--freeze', 'stop the clock')
  .option('--unfreeze', 'let it run again')
  .option('--reset', 'back to real time')
  .action(async (o) => (await control()).clockCommand(o));

program
  .command('import <file>')
  .description('load a directory: a JSON document, a users CSV (with --departments/--groups CSV files), or a folder of CSV files; validates everything first and imports nothing when anything is wrong')
  .option('--departments <file>', 'departments CSV (ID, NAME, PARENT, SORT, UF_HEAD)')
  .option('--groups <file>', 'groups CSV (ID, NAME, OWNER_ID, MEMBERS, ...)')
  .option('--replace', 'the directory becomes exactly the file (default for a fresh database)')
  .option('--merge', 'add and update entries by id; fields an entry omits keep their stored values; nothing is deleted')
  .option('--dry-run', 'validate only')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (file, o) => (await import('./import.js')).importCommand(file, o));
program
  .command('export')
  .description('write the whole directory: JSON to stdout or --out, or CSV files into the --out folder')
  .option('--format <format>', 'json or csv', 'json')
  .option('--out <path>', 'file (json) or folder (csv)')
  .option('--with-secrets', 'include password hashes (left out by default; files are written 0600 either way)')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (o) => (await import('./export.js')).exportCommand(o));
program
  .command('changes')
  .description('print the change feed: every change after --since (default: all that are kept), oldest first; --follow waits for more')
  .option('--since <seq>', 'only changes after this sequence number')
  .option('--follow', 'keep printing changes as they are committed, by any process, until interrupted')
  .option('--json', 'one JSON record per line')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action(async (o) => (await import('./changes.js')).changesCommand(o));
program
  .command('generate')
  .description('write a realistic company of the given size; the same options always give the same file')
  .requiredOption('--users <n>', 'number of users (employees, heads, bots, extranet)')
  .requiredOption('--departments <n>', 'number of departments')
  .option('--seed <n>', 'random seed', '42')
  .option('--today <date>', 'the day presence and absences are relative to (YYYY-MM-DD)')
  .option('--format <format>', 'json or csv', 'json')
  .option('--out <path>', 'file (json) or folder (csv); default: JSON to stdout')
  .action(async (o) => (await import('./generate.js')).generateCommand(o));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  // loaded only now: `roster --help` must not pay for the configuration schema and the store
  const [{ CliError }, { ConfigError }] = await Promise.all([import('./common.js'), import('../config.js')]);
  if (error instanceof CliError || error instanceof ConfigError) {
    console.error(`roster: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
