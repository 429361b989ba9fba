// Known Go text/template + Helm behaviours the built-in renderer must reproduce.
// Run: node --test deploy/test/*.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HelmTemplateEngine, TemplateError } from '../lib/helm-template.mjs';

function render(src, values = {}, defs = '') {
  const e = new HelmTemplateEngine();
  if (defs) e.addFile('_helpers.tpl', defs);
  e.addFile('t.yaml', src);
  return e.render('t.yaml', { Values: values, Release: { Name: 'rel' }, Chart: { Name: 'c' } });
}

test('trim markers remove whitespace including newlines on their side only', () => {
  assert.equal(render('a\n  {{- "x" }}  \nb'), 'ax  \nb');
  assert.equal(render('a {{ "x" -}}\n\n  b'), 'a xb');
});

test('if / else if / else share one end', () => {
  const t = '{{ if eq .Values.n 1 }}one{{ else if eq .Values.n 2 }}two{{ else }}many{{ end }}';
  assert.deepEqual([1, 2, 3].map((n) => render(t, { n })), ['one', 'two', 'many']);
});

test('with rebinds dot and skips empty values; range over a map is key-sorted', () => {
  assert.equal(render('{{ with .Values.a }}[{{ . }}]{{ else }}none{{ end }}', { a: '' }), 'none');
  assert.equal(render('{{ with .Values.a }}[{{ .b }}]{{ end }}', { a: { b: 2 } }), '[2]');
  assert.equal(render('{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}', { m: { z: 1, a: 2 } }), 'a=2;z=1;');
  assert.equal(render('{{ range .Values.l }}<{{ . }}>{{ else }}empty{{ end }}', { l: [] }), 'empty');
});

test('include, nindent, toYaml, default, quote, printf, trunc, trimSuffix and variables', () => {
  const defs = '{{- define "n" -}}{{ default .Chart.Name .Values.o | trunc 3 | trimSuffix "-" }}{{- end -}}';
  assert.equal(render('x: {{ include "n" . | quote }}', { o: 'ab-cd' }, defs), 'x: "ab"');
  assert.equal(render('m:{{- toYaml .Values.m | nindent 2 }}', { m: { b: 1, a: [1, 2] } }), 'm:\n  a:\n    - 1\n    - 2\n  b: 1');
  assert.equal(render('{{- $n := printf "%s-%s" .Release.Name "x" -}}{{ $n }}/{{ $.Release.Name }}'), 'rel-x/rel');
  assert.equal(render('{{ if and .Values.a (not .Values.b) }}yes{{ end }}', { a: 1, b: 0 }), 'yes');
});

test('required fails with its message; unknown functions fail loudly', () => {
  assert.throws(() => render('{{ required "x is required" .Values.x }}'), /x is required/);
  assert.throws(() => render('{{ lookup "v1" "Secret" "ns" "n" }}'), TemplateError);
  assert.throws(() => render('{{ if .Values.a }}never closed'), /missing end/);
});
