/**
 * What the examples store, named once: the texts, and the content hashes they
 * get (content-addressed: the same content always has the same hash).
 */
export const H = {
  PERCEIVE_SYSTEM: '83cb957571193bb775b53bd7628f55f8b34293711517d039e7225772d68feeeb',
  INTEND_SYSTEM: '30312cfe5d303c8639989a8bc7b43025f65acb695290f5d968e2ea91c0c6da6d',
  ADJUDICATE_SYSTEM: '9522dab11ea61568f0c7733623bf8c68b63800eb9349ff12664726cc62971e61',
  ADJUDICATION_SCHEMA: 'c7aa08992f468e276f81d2b16447c964d3c64848a58b713abfd93898e96ec535',
  ROOM: 'efd90ea113aac3644e7fda20616d1a6385f893ab1060f0e5f9fe6ef692e06a7b',
  ANA: '99f2c6d92871a35f341ce151ef4cfe1328f20b71af1806af4ff59621bd9d7cd1',
  SUBJECT_PROFILE: '32f02ad56a922837c466cfda63c530a8e707d04ae323700d252358ab4789311d',
  KEY_PROP: '7d3082c694ac0b1a78ab88b27c0788d84c7836b476efb12af9d078143cacc47e',
  LOCKED_ROOM: '494e7b05894a5b621b01ec537fbc0e58296e1c6e0a93f360e945663067d43299',
  ROOM_WITHOUT_KEY: '69bee354e00ea197ee069049e7beba43f854d4bd7e95aec8f9fa6e6c766dacdc',
  LOCKED_ROOM_HARD: 'c704524694a7550c5833bb448d86ff4e6ac316a149dc3d857f51c1d5e2097278',
} as const;

/** Texts the examples store and read back. */
export const TEXT = {
  PERCEIVE_SYSTEM:
    'You perceive the world through your senses. Report only what you can see, hear and touch.',
  INTEND_SYSTEM: 'You decide what to do next. State one action you attempt, in the first person.',
  ADJUDICATE_SYSTEM:
    'You are the referee. Decide what each attempted action achieves, following the rules of the room.',
  ROOM: 'A windowless concrete room. A steel door is locked; a brass key hangs on a hook above it.',
  ROOM_WITHOUT_KEY: 'A windowless concrete room. A steel door is locked; the key is gone.',
} as const;
