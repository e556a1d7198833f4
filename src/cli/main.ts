import { Command } from 'commander';
import { ConfigError } from '../config.js';
import { CliError } from './common.js';
import { serve } from './serve.js';
import { webhookCreate, webhookList, webhookRevoke } from './webhook.js';

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
  .option('--name-template <template>', 'display name template (ROSTER_NAME_TEMPLATE)')
  .option('--log-level <level>', 'log level (ROSTER_LOG_LEVEL, default info)')
  .action((o) => serve(o));

const webhook = program.command('webhook').description('incoming webhooks: create, list, revoke');
webhook
  .command('create')
  .description('create a webhook and print its URL')
  .requiredOption('--user <id>', 'the user the webhook acts as')
  .requiredOption('--scope <list>', 'scopes, comma separated: im,imbot,user,user_basic,user_brief,department,sonet_group')
  .option('--title <text>', 'a name to recognise it by')
  .option('--url <base>', 'server base URL printed in the webhook URL')
  .option('--json', 'print {"id","url","user_id","scope"}')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action((o) => webhookCreate(o));
webhook
  .command('list')
  .description('list webhooks (secrets are stored hashed and cannot be shown)')
  .option('--json', 'print JSON')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action((o) => webhookList(o));
webhook
  .command('revoke <id>')
  .description('revoke a webhook: its URL stops working at once')
  .option('--db <location>', 'database (ROSTER_DB)')
  .action((id, o) => webhookRevoke(id, o));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CliError || error instanceof ConfigError) {
    console.error(`roster: ${error.message}`);
    process.exit(2);
  }
  throw error;
}
