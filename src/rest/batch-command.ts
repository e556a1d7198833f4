/**
 * One `batch` command's text, `method?query` (the query in PHP bracket syntax), read the same
 * way by the batch that runs it and by the request journal that shows it afterwards.
 */
import { commandParams, parseQueryString, type DecodeLimits } from './request-params.js';
import type { Params } from './params.js';

/** The method name and the query text of a command. */
export function splitCommand(text: string): { method: string; query: string } {
  const i = text.indexOf('?');
  const method = (i < 0 ? text : text.slice(0, i)).trim();
  return { method, query: i < 0 ? '' : text.slice(i + 1) };
}

/** A command without references to earlier results as its method receives it: without its own auth keys and client telemetry. */
export function decodeCommand(text: string, limits: DecodeLimits): { method: string; params: Params } {
  const { method, query } = splitCommand(text);
  return { method, params: commandParams(parseQueryString(query, limits)) };
}
