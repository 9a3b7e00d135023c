// The package ships no type declarations; this is the one function used (CRC16 of the hash tag, mod 16384).
declare module 'cluster-key-slot' {
  function calculateSlot(key: string | Buffer): number;
  export = calculateSlot;
}
