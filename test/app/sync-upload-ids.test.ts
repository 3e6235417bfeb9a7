import { describe, expect, it } from 'vitest';
import { uploadIds, withUploadIds } from '../../src/app/sync/upload-ids.ts';
import { ClientIdSchema, SessionUploadSchema } from '../../src/sync/contract.ts';
import { sessionBody } from '../server/helpers.ts';

const A = '1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b';
const B = '6ba7b810-9dad-41d1-80b4-00c04fd430c8';
const LOCAL = '0190f3c1-7a10-7cc1-9e2b-5d2a0f1e0a01';

describe('session ids on the server', () => {
  it('keeps the local ids for an enrolment stored before per-participant ids', () => {
    expect(uploadIds({ participant_id: A })(LOCAL)).toBe(LOCAL);
  });

  it('names a session the same for the same participant, differently for another, as a valid client id', () => {
    const a = uploadIds({ participant_id: A, session_ids: 'participant' });
    const b = uploadIds({ participant_id: B, session_ids: 'participant' });
    expect(a(LOCAL)).toBe(a(LOCAL));
    expect(a(LOCAL)).not.toBe(b(LOCAL));
    expect(a(LOCAL)).not.toBe(LOCAL);
    expect(a(LOCAL)).not.toBe(a('0190f3c1-7a10-7cc1-9e2b-5d2a0f1e0a02'));
    // UUIDv5: version nibble 5, RFC 4122 variant.
    expect(a(LOCAL)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ClientIdSchema.safeParse(a(LOCAL)).success).toBe(true);
  });

  it('renames every session a body refers to, and nothing else', () => {
    const ids = uploadIds({ participant_id: A, session_ids: 'participant' });
    const body = sessionBody({ front: ['front__0'], left_side: ['left_side__0'] });
    const renamed = withUploadIds(body, ids);
    expect(SessionUploadSchema.safeParse(renamed).success).toBe(true);
    expect(renamed.analysis?.baseline_used.session_ids).toEqual([ids('earlier-session')]);
    const front = renamed.angle_analyses?.find((a) => a.angle === 'front');
    expect(front?.registration?.reference_session_id).toBe(ids('earlier-session'));
    expect(front?.references?.map((r) => r.session_id)).toEqual([ids('earlier-session')]);
    const restored = JSON.stringify(renamed).replaceAll(ids('earlier-session'), 'earlier-session');
    expect(JSON.parse(restored)).toEqual(body);
    expect(
      withUploadIds({ captured_at: body.captured_at, angles_expected: [], images_expected: 0 }, ids),
    ).toEqual({
      captured_at: body.captured_at,
      angles_expected: [],
      images_expected: 0,
    });
  });
});
