// A small renderer for the subset of Helm's template language (Go text/template + a few Sprig and
// Helm functions) that deploy/helm/agent-chatbot uses. Why it exists: helm is not installable on
// the development machines (no Debian package, no npm package ships it), yet the chart should be
// rendered and schema-checked locally. GitHub CI still runs the real `helm lint`/`helm template`;
// a template that uses something unsupported here fails loudly instead of rendering wrongly.
import { createHash } from 'node:crypto';
import { stringify } from 'yaml';

/** Thrown for template syntax or evaluation errors, with the template name and line. */
export class TemplateError extends Error {}

// ── lexing: text and {{ actions }} with Go's trim markers ("{{- " and " -}}") ─────────────────
function lex(src, name) {
  const parts = [];
  let i = 0;
  let line = 1;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    if (open < 0) { parts.push({ t: 'text', v: src.slice(i), line }); break; }
    let text = src.slice(i, open);
    let j = open + 2;
    const trimLeft = src.startsWith('- ', j) || src.startsWith('-\n', j);
    if (trimLeft) { text = text.replace(/\s+$/, ''); j += 1; }
    parts.push({ t: 'text', v: text, line });
    line += (src.slice(i, open).match(/\n/g) ?? []).length;
    const close = src.indexOf('}}', j);
    if (close < 0) throw new TemplateError(`${name}:${line}: unclosed action`);
    let body = src.slice(j, close);
    const trimRight = /\s-$/.test(body);
    if (trimRight) body = body.slice(0, -1);
    parts.push({ t: 'action', v: body.trim(), line });
    line += (body.match(/\n/g) ?? []).length;
    i = close + 2;
    if (trimRight) { const m = /^\s*/.exec(src.slice(i)); i += m[0].length; }
  }
  return parts.filter((p) => !(p.t === 'action' && p.v.startsWith('/*')));
}

// ── tokens inside one action ─────────────────────────────────────────────────────────────────
const TOKEN = /\s*(?:("(?:[^"\\]|\\.)*")|(`[^`]*`)|(-?\d+(?:\.\d+)?)|(\$[A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)|(\.(?:[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)?)|([A-Za-z_][A-Za-z0-9_]*)|(:=|=|\||\(|\)|,))/y;

function tokenize(s, where) {
  const out = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < s.length) {
    if (/^\s*$/.test(s.slice(TOKEN.lastIndex))) break;
    const m = TOKEN.exec(s);
    if (!m) throw new TemplateError(`${where}: cannot parse "${s.slice(TOKEN.lastIndex)}"`);
    if (m[1]) out.push({ k: 'lit', v: JSON.parse(m[1]) });
    else if (m[2]) out.push({ k: 'lit', v: m[2].slice(1, -1) });
    else if (m[3]) out.push({ k: 'lit', v: Number(m[3]) });
    else if (m[4]) out.push({ k: 'var', v: m[4] });
    else if (m[5]) out.push({ k: 'field', v: m[5] });
    else if (m[6]) out.push(['true', 'false', 'nil'].includes(m[6]) ? { k: 'lit', v: m[6] === 'nil' ? null : m[6] === 'true' } : { k: 'ident', v: m[6] });
    else out.push({ k: 'punct', v: m[7] });
  }
  return out;
}

// pipeline := [decl] command ('|' command)* ; command := operand+ ; operand := lit|var|field|ident|'(' pipeline ')'
function parsePipeline(tokens, where) {
  let pos = 0;
  const decl = [];
  const hasDecl = tokens.findIndex((t) => t.k === 'punct' && (t.v === ':=' || t.v === '='));
  if (hasDecl > 0 && tokens.slice(0, hasDecl).every((t) => t.k === 'var' || (t.k === 'punct' && t.v === ','))) {
    for (const t of tokens.slice(0, hasDecl)) if (t.k === 'var') decl.push(t.v);
    pos = hasDecl + 1;
  }
  function pipeline(stopAtParen) {
    const cmds = [[]];
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (t.k === 'punct' && t.v === ')') { if (stopAtParen) break; throw new TemplateError(`${where}: unexpected )`); }
      pos += 1;
      if (t.k === 'punct' && t.v === '|') { cmds.push([]); continue; }
      if (t.k === 'punct' && t.v === '(') {
        const inner = pipeline(true);
        if (tokens[pos]?.v !== ')') throw new TemplateError(`${where}: missing )`);
        pos += 1;
        cmds.at(-1).push({ k: 'pipe', v: inner });
        continue;
      }
      cmds.at(-1).push(t);
    }
    if (cmds.some((c) => c.length === 0)) throw new TemplateError(`${where}: empty command in pipeline`);
    return cmds;
  }
  return { decl, cmds: pipeline(false) };
}

// ── parsing actions into a tree ──────────────────────────────────────────────────────────────
function parse(parts, name, defines) {
  let i = 0;
  // Parses an if/with/range whose opening action was consumed, through its "end"; an
  // "else if"/"else with" chain becomes a nested block that shares that one "end".
  function block(kw, rest, where) {
    const node = { n: kw, pipe: parsePipeline(tokenize(rest, where), where), body: [], alt: [] };
    const body = list(['else', 'end']);
    if (body.stop === null) throw new TemplateError(`${where}: missing end for ${kw}`);
    node.body = body.nodes;
    i += 1;
    if (body.stop === 'else') {
      const chained = /^(if|with)\s+([\s\S]*)$/.exec(body.part.v.slice(4).trim());
      if (chained) return { ...node, alt: [block(chained[1], chained[2], where)] };
      const alt = list(['end']);
      if (alt.stop !== 'end') throw new TemplateError(`${where}: missing end for ${kw}`);
      i += 1;
      node.alt = alt.nodes;
    }
    return node;
  }
  function list(stops) {
    const nodes = [];
    while (i < parts.length) {
      const p = parts[i];
      const where = `${name}:${p.line}`;
      if (p.t === 'text') { nodes.push({ n: 'text', v: p.v }); i += 1; continue; }
      const [kw] = p.v.split(/\s+/, 1);
      if (stops.includes(kw)) return { nodes, stop: kw, part: p };
      i += 1;
      const rest = p.v.slice(kw.length).trim();
      if (kw === 'if' || kw === 'with' || kw === 'range') {
        nodes.push(block(kw, rest, where));
      } else if (kw === 'define') {
        const defName = JSON.parse(rest);
        const body = list(['end']);
        if (body.stop !== 'end') throw new TemplateError(`${where}: missing end for define`);
        i += 1;
        defines.set(defName, body.nodes);
      } else if (kw === 'template') {
        const toks = tokenize(rest, where);
        nodes.push({ n: 'template', name: toks[0].v, pipe: toks.length > 1 ? parsePipeline(toks.slice(1), where) : null, where });
      } else if (['block', 'break', 'continue'].includes(kw)) {
        throw new TemplateError(`${where}: "${kw}" is not supported by this renderer`);
      } else {
        nodes.push({ n: 'action', pipe: parsePipeline(tokenize(p.v, where), where), where });
      }
    }
    return { nodes, stop: null };
  }
  const out = list([]);
  return out.nodes;
}

// ── evaluation ───────────────────────────────────────────────────────────────────────────────
const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
/** Go template truth: false, 0, nil and empty strings, lists and maps are false. */
export function truthy(v) {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}
function str(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw new TemplateError(`cannot print a ${Array.isArray(v) ? 'list' : 'map'} (use toYaml)`);
}
function fieldChain(base, path) {
  let v = base;
  for (const key of path.split('.').filter(Boolean)) {
    if (v === null || v === undefined) return undefined;
    if (!isMap(v)) throw new TemplateError(`cannot read .${key} of a ${typeof v}`);
    v = v[key];
  }
  return v;
}
function indentLines(n, s) {
  const pad = ' '.repeat(n);
  return str(s).split('\n').map((l) => pad + l).join('\n');
}
function sprintf(fmt, ...args) {
  let k = 0;
  return fmt.replace(/%[sdvq%]/g, (m) => (m === '%%' ? '%' : m === '%q' ? JSON.stringify(str(args[k++])) : str(args[k++])));
}

function makeFuncs(engine) {
  return {
    include: (name, data) => engine.execNamed(name, data),
    toYaml: (v) => (v === undefined || v === null ? 'null' : stringify(v, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, '')),
    toJson: (v) => JSON.stringify(v ?? null),
    nindent: (n, s) => '\n' + indentLines(n, s),
    indent: (n, s) => indentLines(n, s),
    quote: (...xs) => xs.filter((x) => x !== null && x !== undefined).map((x) => JSON.stringify(str(x))).join(' '),
    squote: (...xs) => xs.filter((x) => x !== null && x !== undefined).map((x) => `'${str(x)}'`).join(' '),
    default: (d, ...v) => (v.length && truthy(v[0]) ? v[0] : d),
    required: (msg, v) => { if (v === null || v === undefined || v === '') throw new TemplateError(msg); return v; },
    printf: sprintf,
    print: (...xs) => xs.map(str).join(''),
    trunc: (n, s) => str(s).slice(0, n),
    trimSuffix: (suffix, s) => (str(s).endsWith(suffix) ? str(s).slice(0, -suffix.length) : str(s)),
    trimPrefix: (prefix, s) => (str(s).startsWith(prefix) ? str(s).slice(prefix.length) : str(s)),
    trim: (s) => str(s).trim(),
    replace: (a, b, s) => str(s).split(a).join(b),
    contains: (sub, s) => str(s).includes(str(sub)),
    hasPrefix: (p, s) => str(s).startsWith(p),
    lower: (s) => str(s).toLowerCase(),
    upper: (s) => str(s).toUpperCase(),
    b64enc: (s) => Buffer.from(str(s), 'utf8').toString('base64'),
    sha256sum: (s) => createHash('sha256').update(str(s)).digest('hex'),
    not: (v) => !truthy(v),
    and: (...xs) => { for (const x of xs) if (!truthy(x)) return x; return xs.at(-1); },
    or: (...xs) => { for (const x of xs) if (truthy(x)) return x; return xs.at(-1); },
    eq: (a, ...bs) => bs.some((b) => a === b),
    ne: (a, b) => a !== b,
    empty: (v) => !truthy(v),
    hasKey: (m, k) => isMap(m) && Object.hasOwn(m, k),
    ternary: (a, b, c) => (truthy(c) ? a : b),
    int: (v) => Math.trunc(Number(v)),
    list: (...xs) => xs,
    dict: (...xs) => Object.fromEntries(Array.from({ length: xs.length / 2 }, (_, k) => [str(xs[2 * k]), xs[2 * k + 1]])),
  };
}

/** Renders a chart's templates the way `helm template` does, for the supported subset. */
export class HelmTemplateEngine {
  constructor() {
    this.defines = new Map();
    this.files = new Map();
    this.funcs = makeFuncs(this);
  }

  /** Parses one template file; its defines become available to every file. */
  addFile(name, source) {
    this.files.set(name, parse(lex(source, name), name, this.defines));
  }

  /** Executes a parsed file with the root context (Values, Release, Chart…). */
  render(name, root) {
    return this.exec(this.files.get(name), root, { $: root });
  }

  execNamed(name, data) {
    const body = this.defines.get(name);
    if (!body) throw new TemplateError(`no template named "${name}"`);
    return this.exec(body, data, { $: data });
  }

  exec(nodes, dot, vars) {
    let out = '';
    for (const node of nodes) {
      if (node.n === 'text') out += node.v;
      else if (node.n === 'action') {
        const v = this.evalPipe(node.pipe, dot, vars, node.where);
        if (node.pipe.decl.length === 0) out += str(v);
      } else if (node.n === 'if') {
        out += truthy(this.evalPipe(node.pipe, dot, vars)) ? this.exec(node.body, dot, { ...vars }) : this.exec(node.alt, dot, { ...vars });
      } else if (node.n === 'with') {
        const v = this.evalPipe(node.pipe, dot, vars);
        out += truthy(v) ? this.exec(node.body, v, { ...vars }) : this.exec(node.alt, dot, { ...vars });
      } else if (node.n === 'range') {
        const { decl } = node.pipe;
        const v = this.evalPipe({ decl: [], cmds: node.pipe.cmds }, dot, vars);
        const entries = Array.isArray(v) ? v.map((x, k) => [k, x]) : isMap(v) ? Object.keys(v).sort().map((k) => [k, v[k]]) : [];
        if (entries.length === 0) out += this.exec(node.alt, dot, { ...vars });
        for (const [k, x] of entries) {
          const scope = { ...vars };
          if (decl.length === 1) scope[decl[0]] = x;
          if (decl.length === 2) { scope[decl[0]] = k; scope[decl[1]] = x; }
          out += this.exec(node.body, x, scope);
        }
      } else if (node.n === 'template') {
        out += this.execNamed(node.name, node.pipe ? this.evalPipe(node.pipe, dot, vars) : undefined);
      }
    }
    return out;
  }

  evalPipe(pipe, dot, vars, where = 'template') {
    let value;
    let piped = false;
    for (const cmd of pipe.cmds) {
      value = this.evalCommand(cmd, dot, vars, piped ? [value] : [], where);
      piped = true;
    }
    for (const name of pipe.decl) vars[name] = value;
    return value;
  }

  evalCommand(cmd, dot, vars, pipedArgs, where) {
    const [head, ...rest] = cmd;
    if (head.k === 'ident') {
      const fn = this.funcs[head.v];
      if (!fn) throw new TemplateError(`${where}: function "${head.v}" is not supported by this renderer`);
      const args = rest.map((t) => this.evalOperand(t, dot, vars, where)).concat(pipedArgs);
      return fn(...args);
    }
    if (rest.length > 0 || pipedArgs.length > 0) throw new TemplateError(`${where}: ${head.v} is not a function`);
    return this.evalOperand(head, dot, vars, where);
  }

  evalOperand(t, dot, vars, where) {
    if (t.k === 'lit') return t.v;
    if (t.k === 'field') return t.v === '.' ? dot : fieldChain(dot, t.v);
    if (t.k === 'pipe') return this.evalPipe({ decl: [], cmds: t.v }, dot, vars, where);
    if (t.k === 'var') {
      const [name, ...path] = t.v.split('.');
      if (!(name in vars)) throw new TemplateError(`${where}: undefined variable ${name}`);
      return fieldChain(vars[name], path.join('.'));
    }
    if (t.k === 'ident') return this.evalCommand([t], dot, vars, [], where);
    throw new TemplateError(`${where}: unexpected "${t.v}"`);
  }
}
