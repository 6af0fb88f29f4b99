package io.greenshank.bridge.kerberos;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The unencrypted part of the Kerberos ticket inside a SPNEGO / GSS token: which service principal, key version
 * and encryption type the client's KDC sealed it for. Read only after a refusal, to tell the operator whether the
 * client asked for the wrong service principal or the keytab is stale (the JDK reports both as a failed checksum).
 *
 * @param servicePrincipal {@code HTTP/host@REALM} the ticket is for
 * @param kvno             the key version, when the KDC sent one
 * @param enctype          the encryption type
 */
public record TicketHeader(String servicePrincipal, Optional<Integer> kvno, int enctype) {

    /** Parses a SPNEGO NegTokenInit or a raw Kerberos GSS token; empty when it is neither. */
    public static Optional<TicketHeader> parse(byte[] token) {
        try {
            Der outer = Der.read(token, 0);
            if (outer.tag != 0x60) {
                return Optional.empty();
            }
            Der oid = Der.read(token, outer.contentStart);
            int after = oid.end();
            if (oidIs(token, oid, SPNEGO_OID)) {
                Der negTokenInit = Der.read(token, after);          // [0]
                Der seq = Der.read(token, negTokenInit.contentStart);
                for (Der field : seq.children(token)) {
                    if (field.tag == 0xA2) {                       // mechToken [2] OCTET STRING
                        Der octets = Der.read(token, field.contentStart);
                        byte[] inner = java.util.Arrays.copyOfRange(token, octets.contentStart, octets.end());
                        return parse(inner);
                    }
                }
                return Optional.empty();
            }
            if (oidIs(token, oid, KRB5_OID)) {
                // two token-id bytes (01 00 = AP-REQ), then the AP-REQ
                if (token[after] != 0x01 || token[after + 1] != 0x00) {
                    return Optional.empty();
                }
                return apReq(token, after + 2);
            }
            return Optional.empty();
        } catch (RuntimeException malformed) {
            return Optional.empty();
        }
    }

    private static Optional<TicketHeader> apReq(byte[] b, int offset) {
        Der apReq = Der.read(b, offset);                           // [APPLICATION 14]
        if (apReq.tag != 0x6E) {
            return Optional.empty();
        }
        Der seq = Der.read(b, apReq.contentStart);
        for (Der field : seq.children(b)) {
            if (field.tag == 0xA3) {                               // ticket [3]
                Der ticket = Der.read(b, field.contentStart);      // [APPLICATION 1]
                Der tseq = Der.read(b, ticket.contentStart);
                String realm = null;
                List<String> names = new ArrayList<>();
                Optional<Integer> kvno = Optional.empty();
                int etype = -1;
                for (Der t : tseq.children(b)) {
                    if (t.tag == 0xA1) {
                        Der s = Der.read(b, t.contentStart);
                        realm = new String(b, s.contentStart, s.length, StandardCharsets.UTF_8);
                    } else if (t.tag == 0xA2) {
                        for (Der pn : Der.read(b, t.contentStart).children(b)) {
                            if (pn.tag == 0xA1) {
                                for (Der s : Der.read(b, pn.contentStart).children(b)) {
                                    names.add(new String(b, s.contentStart, s.length, StandardCharsets.UTF_8));
                                }
                            }
                        }
                    } else if (t.tag == 0xA3) {
                        for (Der ed : Der.read(b, t.contentStart).children(b)) {
                            if (ed.tag == 0xA0) {
                                etype = Der.read(b, ed.contentStart).intValue(b);
                            } else if (ed.tag == 0xA1) {
                                kvno = Optional.of(Der.read(b, ed.contentStart).intValue(b));
                            }
                        }
                    }
                }
                if (realm == null || names.isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(new TicketHeader(String.join("/", names) + "@" + realm, kvno, etype));
            }
        }
        return Optional.empty();
    }

    private static final byte[] SPNEGO_OID = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x02};
    private static final byte[] KRB5_OID = {0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x12, 0x01, 0x02, 0x02};

    private static boolean oidIs(byte[] b, Der oid, byte[] expected) {
        return oid.tag == 0x06 && oid.length == expected.length
                && java.util.Arrays.equals(b, oid.contentStart, oid.end(), expected, 0, expected.length);
    }

    /** One DER TLV: tag, where its content starts, and how long it is. */
    private record Der(int tag, int contentStart, int length) {
        static Der read(byte[] b, int offset) {
            int tag = b[offset] & 0xff;
            int lenByte = b[offset + 1] & 0xff;
            int pos = offset + 2;
            int length;
            if (lenByte < 0x80) {
                length = lenByte;
            } else {
                int n = lenByte & 0x7f;
                if (n == 0 || n > 3) {
                    throw new IllegalArgumentException("unsupported DER length");
                }
                length = 0;
                for (int i = 0; i < n; i++) {
                    length = (length << 8) | (b[pos++] & 0xff);
                }
            }
            if (pos + length > b.length) {
                throw new IllegalArgumentException("DER length past the end");
            }
            return new Der(tag, pos, length);
        }

        int end() {
            return contentStart + length;
        }

        List<Der> children(byte[] b) {
            List<Der> out = new ArrayList<>();
            int pos = contentStart;
            while (pos < end()) {
                Der child = read(b, pos);
                out.add(child);
                pos = child.end();
            }
            return out;
        }

        int intValue(byte[] b) {
            if (tag != 0x02 || length < 1 || length > 5) {
                throw new IllegalArgumentException("not a small INTEGER");
            }
            long v = b[contentStart]; // sign-extended
            for (int i = 1; i < length; i++) {
                v = (v << 8) | (b[contentStart + i] & 0xff);
            }
            return (int) v;
        }
    }
}
