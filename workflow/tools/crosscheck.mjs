// Runs one cross-check scenario on aws-local-stepfunctions, an independent ASL interpreter, and
// prints what happened as JSON: the states entered, the final status, output or error.
// Usage: node crosscheck.mjs <definition.asl.json> <scenario.json> <substitutions.json>
// Task states are answered by the scenario's scripted stubs (by state name); waits and retry
// pauses are overridden to 0 ms, since only the path and the data are compared.
import { readFileSync } from 'node:fs';

if (!Promise.withResolvers) {
  // Node 20 lacks Promise.withResolvers, which aws-local-stepfunctions uses.
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => { resolve = res; reject = rej; });
    return { promise, resolve, reject };
  };
}

const { StateMachine } = await import('aws-local-stepfunctions');

const [definitionFile, scenarioFile, substitutionsFile] = process.argv.slice(2);
const substitutions = JSON.parse(readFileSync(substitutionsFile, 'utf8'));
const text = readFileSync(definitionFile, 'utf8').replace(/\$\{([A-Za-z0-9_]+)\}/g, (whole, key) => {
  if (!(key in substitutions)) throw new Error(`no substitution for ${whole}`);
  return substitutions[key];
});
const definition = JSON.parse(text);
const scenario = JSON.parse(readFileSync(scenarioFile, 'utf8'));

// Every state, the ones inside Map states (ItemProcessor or the legacy Iterator) too: the overrides
// below are by state name, at any depth, as the local run's stubs are.
const allStates = (states) => Object.entries(states).flatMap(([name, state]) => {
  const processor = state.Type === 'Map' ? (state.ItemProcessor ?? state.Iterator) : undefined;
  return [[name, state], ...(processor ? allStates(processor.States) : [])];
});

const handlers = {};
const waits = {};
const retries = {};
for (const [stateName, state] of allStates(definition.States)) {
  if (state.Type === 'Wait') waits[stateName] = 0;
  if (state.Retry) retries[stateName] = 0;
  if (state.Type !== 'Task') continue;
  let call = 0;
  handlers[stateName] = (input) => {
    const script = scenario.stubs[stateName];
    if (!script) throw Object.assign(new Error(`no stub for ${stateName}`), { name: 'CrossCheck.NoStub' });
    const step = script[Math.min(call, script.length - 1)];
    call += 1;
    if (step.error) throw Object.assign(new Error(step.cause ?? ''), { name: step.error });
    return step.echoInput ? input : step.result;
  };
}

const machine = new StateMachine(definition, { validationOptions: { checkPaths: true, checkArn: false } });
const startTime = '2026-11-23T12:00:00.000Z';
const execution = machine.run(scenario.input, {
  overrides: { taskResourceLocalHandlers: handlers, waitTimeOverrides: waits, retryIntervalOverrides: retries },
  context: {
    Execution: { Id: `arn:aws:states:local:000000000000:execution:x:${scenario.executionName}`, Name: scenario.executionName,
      StartTime: startTime, Input: scenario.input },
    StateMachine: { Id: 'arn:aws:states:local:000000000000:stateMachine:x', Name: 'x' },
  },
});

const statePath = [];
const collect = (async () => {
  for await (const event of execution.eventLogs) {
    if (event.type === 'StateEntered') statePath.push(event.state.name);
  }
})();

let report;
try {
  const output = await execution.result;
  await collect;
  report = { statePath, status: 'SUCCEEDED', output };
} catch (error) {
  await collect.catch(() => {});
  report = { statePath, status: 'FAILED', error: error.name === 'ExecutionError' ? error.cause?.name ?? error.name : error.name };
}
process.stdout.write(JSON.stringify(report));
