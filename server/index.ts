import { readServerConfig } from './config';
import { startRoutingServer } from './app';
import { startProviderSandbox } from './demo/providerSandbox';
import { DEMO_PASSWORD } from './demo/seed';

/**
 * `npm run server`: the routing backend alone, configured by the environment (DESIGN.md,
 * Surfaces). Stops cleanly on SIGTERM and SIGINT, finishing in-flight ops first.
 */
let config;
try {
  config = readServerConfig(process.env);
} catch (err) {
  console.error(`Switchboard server: ${(err as Error).message}`);
  process.exit(2);
}

// The demo tenant answers customers through local provider stand-ins unless told otherwise.
const sandbox = config.SWITCHBOARD_DEMO ? await startProviderSandbox(config) : null;
if (sandbox) config = { ...config, ...sandbox.overrides };

const server = await startRoutingServer(config).catch((err: Error) => {
  console.error(`Switchboard server could not start: ${err.message}`);
  if (config.DATABASE_URL)
    console.error('Check DATABASE_URL: the PostgreSQL server must be reachable and the database must exist.');
  process.exit(1);
});

let simulator: { stop(): Promise<void> } | undefined;
if (config.SWITCHBOARD_DEMO && config.SWITCHBOARD_SIMULATOR && config.SWITCHBOARD_SIMULATOR_RATE > 0) {
  const { startSimulator } = await import('./demo/simulator');
  simulator = startSimulator({
    baseUrl: server.url,
    ingestKey: config.SWITCHBOARD_INGEST_KEY,
    // Through the channel adapters' own endpoints, signed with the configured secrets.
    providers: config,
    ratePerSecond: config.SWITCHBOARD_SIMULATOR_RATE,
  });
}

console.log(
  `\nSwitchboard routing backend on ${server.url} (${server.db.kind}${config.DATABASE_URL ? '' : `, data in ${config.SWITCHBOARD_DATA_DIR}`})`,
);
if (config.SWITCHBOARD_DEMO) {
  console.log(
    `Demo sign-ins (password "${DEMO_PASSWORD}"): agent1@demo.test … agent40@demo.test, lead1@demo.test … lead3@demo.test, admin@demo.test`,
  );
  if (simulator)
    console.log(
      `Demo traffic: ${config.SWITCHBOARD_SIMULATOR_RATE} events/s through the channel webhooks (SWITCHBOARD_SIMULATOR=0 to stop it)`,
    );
  if (sandbox) console.log(sandbox.describe());
}

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`Switchboard server: ${signal}, finishing in-flight work…`);
  await simulator?.stop();
  await server.close();
  await sandbox?.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
// Started by `npm start`: stop with it, even when it was killed without a chance to tell us.
if (process.send) process.on('disconnect', () => void stop('npm start exited'));
