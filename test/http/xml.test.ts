/** The `.xml` transport always produces well-formed XML 1.0, whatever characters the data holds. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toXml } from '../../src/http/xml.js';
import { engines, startRoster, type TestRoster } from '../helpers/roster.js';

const isXmlChar = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

/**
 * A strict check of the subset of XML 1.0 Roster writes: the declaration, nested elements
 * without attributes, text with entity and character references. Every character must be an
 * XML `Char` (a lone surrogate counts as one character, and fails); tags must match.
 */
function assertWellFormed(xml: string): void {
  for (const ch of xml) assert.ok(isXmlChar(ch.codePointAt(0)!), `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} is not an XML character`);
  const declaration = /^<\?xml version="1\.0" encoding="utf-8"\?>\s*/.exec(xml);
  assert.ok(declaration, 'the XML declaration comes first');
  const token = /<(\/?)([A-Za-z_][A-Za-z0-9_.-]*)>|&#(\d+);|&#x([0-9a-fA-F]+);|&(?:lt|gt|amp|quot|apos);|[^<&]+/y;
  const open: string[] = [];
  let roots = 0;
  token.lastIndex = declaration[0].length;
  while (token.lastIndex < xml.length) {
    const at = token.lastIndex;
    const m = token.exec(xml);
    assert.ok(m, `not well-formed at ${at}: ${JSON.stringify(xml.slice(at, at + 40))}`);
    if (m[2] !== undefined) {
      if (m[1]) assert.equal(open.pop(), m[2], `</${m[2]}> closes what it did not open`);
      else {
        if (open.length === 0) roots++;
        open.push(m[2]);
      }
    } else if (m[3] !== undefined || m[4] !== undefined) {
      assert.ok(isXmlChar(m[3] !== undefined ? Number(m[3]) : parseInt(m[4]!, 16)), `${m[0]} refers to a character XML forbids`);
    } else if (!m[0].startsWith('&')) {
      assert.ok(open.length > 0 || m[0].trim() === '', 'text outside the root element');
    }
  }
  assert.deepEqual([open, roots], [[], 1], 'one root element, every element closed');
}

const FORBIDDEN = '\u0001\u0008\u000b\u000c\u001f\ufffe\uffff';

describe('toXml', () => {
  it('drops every character XML 1.0 forbids, unpaired surrogates included, and keeps the rest', () => {
    const xml = toXml({ result: { NAME: `A${FORBIDDEN}\ud800B\udc00C\ud83d\ude00<&>"'\t\n\r`, ['\ufffekey']: 1, 'ok_key': [1, null, true] } });
    assertWellFormed(xml);
    assert.match(xml, /<NAME>ABC\u{1F600}&#60;&#38;&#62;&#34;&#39;\t\n\r<\/NAME>/u);
    assert.match(xml, /<item>1<\/item><ok_key><item>1<\/item><item><\/item><item>true<\/item><\/ok_key>/);
  });

  it('the checker itself refuses what XML forbids', () => {
    assert.throws(() => assertWellFormed('<?xml version="1.0" encoding="utf-8"?>\n<response>\ufffe</response>'));
    assert.throws(() => assertWellFormed('<?xml version="1.0" encoding="utf-8"?>\n<response>\ud800</response>'));
    assert.throws(() => assertWellFormed('<?xml version="1.0" encoding="utf-8"?>\n<response><a></response>'));
  });
});

for (const engine of engines) {
  describe(`the .xml transport [${engine}]`, () => {
    let r: TestRoster;
    before(async () => {
      r = await startRoster({ engine, seed: 'demo' });
      // names as a careless import or another writer may have stored them
      await r.roster.store.db.updateTable('users').set({ name: `Ann${FORBIDDEN}`, work_position: `Chief\ufffe\uffff Officer \u{1F600}`, last_name: 'Lee\u0007' }).where('id', '=', 5).execute();
      await r.roster.store.db.updateTable('departments').set({ name: 'Sales\uffff' }).where('id', '=', 3).execute();
      await r.tablesEdited();
    });
    after(() => r.close());

    it('answers well-formed XML for data holding characters XML forbids', async () => {
      const path = new URL(r.admin).pathname;
      for (const call of ['im.user.get.xml?ID=5', 'user.get.xml?ID=5', 'im.department.get.xml?ID[]=3&USER_DATA=Y', 'department.get.xml?ID=3', 'batch.xml?cmd[%EF%BF%BE]=im.user.get%3FID%3D5']) {
        const res = await r.fetch(`${path}${call}`);
        assert.equal(res.status, 200, `${call}: ${res.text}`);
        assertWellFormed(res.text);
      }
      const user = await r.fetch(`${path}im.user.get.xml?ID=5`);
      assert.match(user.text, /<first_name>Ann<\/first_name>/);
      assert.match(user.text, /<work_position>Chief Officer \u{1F600}<\/work_position>/u);
    });
  });
}
