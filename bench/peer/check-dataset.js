#!/usr/bin/env node
// Benchmark peer for Test-FineTuneDataset + Measure-FineTuneDataset, written the way a Node.js engineer
// would: read the JSONL file line by line (readline over a stream), JSON.parse each line, apply the same
// rules (docs/RULES.md: framing, chat structure, roles, assistant present, tool_call pairing, tools,
// weight, name, special tokens, duplicates, inconsistent system message, >= 10 examples, tokens per
// example over the model's limit) and count each example's tokens with OpenAI's reference tokenizer (npm
// tiktoken, o200k_base) by the same chat formula as src/FineTune.Engine/Tokens/ChatTokenCounter.cs
// (OpenAI cookbook num_tokens_from_messages / num_tokens_for_tools).
//
// Usage: node check-dataset.js <file.jsonl> [--encoding o200k_base] [--limit 65536]
// Prints one JSON object: examples, findings, errors, warnings, totalTokens, assistantTokens, elapsed
// seconds, CPU seconds (user + system), peak RSS in MB (process.resourceUsage().maxRSS).
'use strict';

const fs = require('fs');
const readline = require('readline');
const crypto = require('crypto');
const { get_encoding } = require('tiktoken');

const args = process.argv.slice(2);
const file = args[0];
if (!file) {
  console.error('usage: node check-dataset.js <file.jsonl> [--encoding o200k_base] [--limit 65536]');
  process.exit(2);
}
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i > 0 ? args[i + 1] : dflt;
};
const encodingName = opt('--encoding', 'o200k_base');
const limit = Number(opt('--limit', '65536'));
const verbose = args.includes('--verbose');

const SPECIAL = ['<|endoftext|>', '<|fim_prefix|>', '<|fim_middle|>', '<|fim_suffix|>', '<|endofprompt|>', '<|im_start|>', '<|im_end|>', '<|im_sep|>'];
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const SEVERITY = {
  FT011: 'Warning', FT109: 'Warning', FT112: 'Warning', FT116: 'Warning', FT117: 'Warning', FT123: 'Warning',
  FT132: 'Warning', FT134: 'Warning', FT401: 'Warning', FT501: 'Warning', FT012: 'Info', FT015: 'Info',
};

const started = process.hrtime.bigint();
const enc = get_encoding(encodingName);
const functionInit = encodingName === 'o200k_base' ? 7 : 10;

const counts = { examples: 0, findings: 0, errors: 0, warnings: 0, infos: 0, totalTokens: 0, assistantTokens: 0, overLimit: 0 };
const byRule = {};
function finding(rule, line, message) {
  counts.findings++;
  const sev = SEVERITY[rule] || 'Error';
  if (sev === 'Error') counts.errors++; else if (sev === 'Warning') counts.warnings++; else counts.infos++;
  byRule[rule] = (byRule[rule] || 0) + 1;
  if (verbose) console.error(`${line}\t${rule}\t${message}`);
}

// ---- tokens (ChatTokenCounter's formula) ----
const tok = (s) => (typeof s === 'string' && s.length > 0 ? enc.encode_ordinary(s).length : 0);
function strings(v) {
  if (typeof v === 'string') return tok(v);
  if (Array.isArray(v)) return v.reduce((a, x) => a + strings(x), 0);
  if (v && typeof v === 'object') return Object.values(v).reduce((a, x) => a + strings(x), 0);
  return 0;
}
function contentTokens(c) {
  if (!Array.isArray(c)) return tok(c);
  let n = 0;
  for (const p of c) {
    if (typeof p === 'string') n += tok(p);
    else if (p && typeof p === 'object') n += tok(p.text);
  }
  return n;
}
function functionCallTokens(f) {
  if (!f || typeof f !== 'object' || Array.isArray(f)) return 0;
  let n = tok(f.name);
  if (f.arguments !== undefined) n += typeof f.arguments === 'string' ? tok(f.arguments) : tok(JSON.stringify(f.arguments));
  return n;
}
function messageTokens(m) {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return { values: 0, trained: 0 };
  let values = 0, trained = 0;
  for (const [k, v] of Object.entries(m)) {
    if (k === 'weight') continue;
    if (k === 'name') { values += tok(v) + 1; continue; }
    if (k === 'content') { trained += contentTokens(v); continue; }
    if (k === 'tool_calls') {
      if (Array.isArray(v)) for (const call of v) if (call && typeof call === 'object') trained += functionCallTokens(call.function);
      continue;
    }
    if (k === 'function_call') { trained += functionCallTokens(v); continue; }
    values += strings(v);
  }
  return { values: values + trained, trained };
}
const trimPeriod = (s) => (s.endsWith('.') ? s.slice(0, -1) : s);
const str = (v) => (typeof v === 'string' ? v : '');
function toolsTokens(tools) {
  if (!Array.isArray(tools)) return 0;
  let n = 0, functions = 0;
  for (const tool of tools) {
    if (!tool || typeof tool !== 'object' || Array.isArray(tool)) continue;
    const f = tool.function && typeof tool.function === 'object' && !Array.isArray(tool.function) ? tool.function : tool;
    functions++;
    n += functionInit + tok(str(f.name) + ':' + trimPeriod(str(f.description)));
    const props = f.parameters && f.parameters.properties;
    if (props && typeof props === 'object' && !Array.isArray(props)) {
      const keys = Object.keys(props);
      if (keys.length > 0) n += 3;
      for (const key of keys) {
        const schema = props[key];
        n += 3;
        const isObj = schema && typeof schema === 'object' && !Array.isArray(schema);
        if (isObj && Array.isArray(schema.enum)) {
          n -= 3;
          for (const item of schema.enum) n += 3 + (typeof item === 'string' ? tok(item) : tok(JSON.stringify(item)));
        }
        const type = isObj && schema.type !== undefined ? (typeof schema.type === 'string' ? schema.type : JSON.stringify(schema.type)) : '';
        n += tok(key + ':' + type + ':' + trimPeriod(isObj ? str(schema.description) : ''));
      }
    }
  }
  return functions > 0 ? n + 12 : 0;
}
function conversationTokens(messages, owner) {
  let total = 0, assistant = 0;
  if (Array.isArray(messages)) {
    for (const m of messages) {
      const t = messageTokens(m);
      total += 3 + t.values;
      if (m && m.role === 'assistant' && m.weight !== 0) assistant += t.trained;
    }
    total += 3;
  }
  total += toolsTokens(owner.tools) + toolsTokens(owner.functions);
  return { total, assistant };
}

// ---- checks (one example) ----
const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
function isJsonObjectString(s) {
  try { return isObject(JSON.parse(s)); } catch { return false; }
}
function checkTools(owner, line) {
  let names = null;
  if (owner.tools !== undefined && owner.tools !== null) {
    names = new Set();
    if (!Array.isArray(owner.tools)) finding('FT115', line, 'tools is not an array');
    else for (const t of owner.tools) {
      if (!isObject(t) || t.type !== 'function' || !isObject(t.function)) { finding('FT115', line, 'tool is not {type: function, function: {...}}'); continue; }
      if (typeof t.function.name !== 'string' || !NAME.test(t.function.name)) finding('FT115', line, 'bad function name');
      else names.add(t.function.name);
      if (t.function.parameters !== undefined && !isObject(t.function.parameters)) finding('FT115', line, 'parameters is not an object');
    }
  }
  if (owner.functions !== undefined && owner.functions !== null) {
    names = names || new Set();
    finding('FT116', line, 'functions is deprecated');
    if (!Array.isArray(owner.functions)) finding('FT115', line, 'functions is not an array');
    else for (const f of owner.functions) {
      if (!isObject(f)) { finding('FT115', line, 'function is not an object'); continue; }
      if (typeof f.name !== 'string' || !NAME.test(f.name)) finding('FT115', line, 'bad function name'); else names.add(f.name);
    }
  }
  return names;
}
function checkMessages(messages, tools, line, index) {
  const seen = { count: 0, systems: 0, user: false, assistants: 0, weightedOut: 0, system: '', lastRole: undefined };
  if (messages.length === 0) { finding('FT101', line, 'messages is empty'); return seen; }
  const open = new Map();
  let images = 0, lastAssistant = -1;
  messages.forEach((m, i) => {
    seen.count++;
    if (!isObject(m)) { finding('FT102', line, `messages[${i}] is not an object`); return; }
    const role = m.role;
    seen.lastRole = role;
    if (typeof role !== 'string' || !ROLES.has(role)) finding('FT103', line, `messages[${i}] role`);
    else if (role === 'system' || role === 'developer') seen.systems++;
    else if (role === 'user') seen.user = true;
    else if (role === 'assistant') { seen.assistants++; lastAssistant = i; }
    else if (role === 'function') { finding('FT123', line, 'function role'); if (typeof m.name !== 'string') finding('FT125', line, 'function without name'); }
    const hasCalls = m.tool_calls !== undefined && m.tool_calls !== null;
    const hasFunctionCall = m.function_call !== undefined && m.function_call !== null;
    if (hasFunctionCall) finding('FT116', line, 'function_call is deprecated');
    const c = m.content;
    if (c === undefined || c === null) {
      if (!(role === 'assistant' && (hasCalls || hasFunctionCall))) finding('FT108', line, `messages[${i}] has no content`);
    } else if (typeof c === 'string') {
      if (c === '' && !(hasCalls || hasFunctionCall)) finding('FT109', line, 'empty content');
      if (role === 'system' || role === 'developer') seen.system += c + '\u0000';
    } else if (Array.isArray(c)) {
      if (c.length === 0) finding('FT108', line, 'content is an empty array');
      for (const p of c) {
        const type = isObject(p) && typeof p.type === 'string' ? p.type : null;
        if (type === 'text') {
          if (typeof p.text !== 'string') finding('FT105', line, 'text part without text');
          else if (role === 'system' || role === 'developer') seen.system += p.text + '\u0000';
        } else if (type === 'image_url') {
          images++;
          if (role !== 'user') finding('FT106', line, 'image outside a user message');
          if (!isObject(p.image_url) || typeof p.image_url.url !== 'string') finding('FT105', line, 'image part without url');
        } else finding('FT105', line, 'bad content part');
      }
    } else finding('FT104', line, 'content type');
    if (m.name !== undefined && role !== 'function' && !(typeof m.name === 'string' && NAME.test(m.name))) finding('FT122', line, 'name');
    if (m.weight !== undefined) {
      if (role !== 'assistant') finding('FT121', line, 'weight on a non-assistant message');
      else if (m.weight !== 0 && m.weight !== 1) finding('FT120', line, 'weight is not 0 or 1');
      else if (m.weight === 0) seen.weightedOut++;
    }
    if (hasCalls) {
      if (role !== 'assistant') finding('FT110', line, 'tool_calls on a non-assistant message');
      else if (!Array.isArray(m.tool_calls) || m.tool_calls.length === 0) finding('FT110', line, 'tool_calls is not a non-empty array');
      else for (const call of m.tool_calls) {
        if (!isObject(call)) { finding('FT110', line, 'tool call is not an object'); continue; }
        if (typeof call.id !== 'string' || call.id === '') finding('FT110', line, 'tool call without id');
        else open.set(call.id, i);
        if (call.type !== undefined && call.type !== 'function') finding('FT110', line, 'tool call type');
        const f = call.function;
        if (!isObject(f) || typeof f.name !== 'string') { finding('FT110', line, 'tool call without function'); continue; }
        if (tools === null || !tools.has(f.name)) finding('FT117', line, `unknown tool ${f.name}`);
        if (typeof f.arguments !== 'string' || !isJsonObjectString(f.arguments)) finding('FT111', line, 'arguments is not a JSON object string');
      }
    }
    if (role === 'tool') {
      if (typeof m.tool_call_id !== 'string') finding('FT114', line, 'tool message without tool_call_id');
      else if (!open.delete(m.tool_call_id)) finding('FT113', line, `tool message answers no call ${m.tool_call_id}`);
    }
  });
  for (const [id, at] of open) {
    if (at !== lastAssistant || lastAssistant !== messages.length - 1) finding('FT112', line, `tool call ${id} unanswered`);
  }
  if (images > 10) finding('FT107', line, 'more than 10 images');
  return seen;
}
function findSpecial(v, line) {
  if (typeof v === 'string') {
    if (v.includes('<|')) for (const t of SPECIAL) if (v.includes(t)) { finding('FT500', line, `special token ${t}`); break; }
  } else if (Array.isArray(v)) for (const x of v) findSpecial(x, line);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) findSpecial(x, line);
}

// ---- the file ----
const seenHashes = new Map();
const systemVariants = new Map();
let lineNo = 0, firstSystem = null, firstSystemLine = 0, fileFormat = null;

async function main() {
  const input = fs.createReadStream(file);
  let first = true;
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  for await (let line of rl) {
    lineNo++;
    if (first) {
      first = false;
      if (line.charCodeAt(0) === 0xfeff) { finding('FT001', lineNo, 'BOM'); line = line.slice(1); }
      if (line.trimStart().startsWith('[')) { finding('FT010', lineNo, 'JSON array'); break; }
    }
    if (line.trim() === '') { finding('FT011', lineNo, 'blank line'); continue; }
    counts.examples++;
    if (line.includes('\ufffd')) { finding('FT004', lineNo, 'invalid UTF-8'); continue; }
    let ex;
    try { ex = JSON.parse(line); } catch (e) { finding(line.trim() === '{' ? 'FT017' : 'FT013', lineNo, e.message); continue; }
    if (!isObject(ex)) { finding('FT014', lineNo, 'not an object'); continue; }

    const format = 'messages' in ex ? 'chat' : ('input' in ex || 'preferred_output' in ex) ? 'preference' : ('prompt' in ex || 'completion' in ex) ? 'completion' : null;
    if (format === null) { finding('FT020', lineNo, 'unknown format'); continue; }
    if (fileFormat === null) fileFormat = format; else if (format !== fileFormat) finding('FT021', lineNo, 'mixed format');

    const hash = crypto.createHash('sha1').update(JSON.stringify(ex)).digest('base64');
    const earlier = seenHashes.get(hash);
    if (earlier !== undefined) finding('FT501', lineNo, `same as line ${earlier}`); else seenHashes.set(hash, lineNo);

    let tokens = { total: 0, assistant: 0 };
    if (format === 'chat') {
      const tools = checkTools(ex, lineNo);
      if (!Array.isArray(ex.messages)) finding('FT100', lineNo, 'messages is not an array');
      else {
        const seen = checkMessages(ex.messages, tools, lineNo, counts.examples - 1);
        if (seen.count > 0) {
          if (seen.systems === seen.count && counts.examples === 1) finding('FT133', lineNo, 'only a system message');
          if (seen.assistants === 0) finding('FT130', lineNo, 'no assistant message');
          else if (seen.weightedOut === seen.assistants) finding('FT131', lineNo, 'all weights 0');
          if (!seen.user && seen.systems < seen.count) finding('FT132', lineNo, 'no user message');
          // FT134 as ours reports it: once per system message variant (or its absence), with its count.
          const variant = seen.systems > 0 ? 's' + seen.system : 'none';
          if (firstSystem === null) { firstSystem = variant; firstSystemLine = lineNo; }
          else if (variant !== firstSystem) {
            const v = systemVariants.get(variant);
            if (v) v.count++; else systemVariants.set(variant, { line: lineNo, count: 1 });
          }
        }
      }
      tokens = conversationTokens(ex.messages, ex);
    } else if (format === 'completion') {
      if (typeof ex.prompt !== 'string') finding('FT300', lineNo, 'prompt');
      if (typeof ex.completion !== 'string') finding('FT300', lineNo, 'completion');
      else if (ex.completion === '') finding('FT301', lineNo, 'empty completion');
      const c = tok(ex.completion);
      tokens = { total: tok(ex.prompt) + c, assistant: c };
    } else {
      finding('FT200', lineNo, 'preference examples are not part of this benchmark');
    }
    if (line.includes('<|')) findSpecial(ex, lineNo);

    counts.totalTokens += tokens.total;
    counts.assistantTokens += tokens.assistant;
    if (tokens.total > limit) { counts.overLimit++; finding('FT401', lineNo, 'over the token limit'); }
  }
  for (const v of systemVariants.values()) finding('FT134', v.line, `system message differs from line ${firstSystemLine} (${v.count} examples)`);
  if (counts.examples < 10) finding('FT400', null, 'fewer than 10 examples');
  enc.free();

  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  const bytes = fs.statSync(file).size;
  console.log(JSON.stringify({
    side: 'peer (node ' + process.version + ', tiktoken 1.0.22)',
    file,
    bytes,
    examples: counts.examples,
    findings: counts.findings,
    errors: counts.errors,
    warnings: counts.warnings,
    findingsByRule: byRule,
    totalTokens: counts.totalTokens,
    assistantTokens: counts.assistantTokens,
    overLimit: counts.overLimit,
    elapsedSeconds: elapsed,
    cpuSeconds: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  }));
}

main().catch((e) => { console.error(e); process.exit(1); });
