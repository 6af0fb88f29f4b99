package io.greenshank.identity.jwt;

import io.greenshank.identity.jwt.WycheproofFiles.Vector;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares the product's verdict on each vector of one Wycheproof file with Wycheproof's {@code result}, and
 * tallies the outcome for the report.
 *
 * <ul>
 *   <li>{@code valid}: the product must accept (pass the signature stage), unless the vector is listed as a
 *       {@linkplain Deliberate deliberate difference}, in which case it must be refused for exactly the listed
 *       reason (a listed vector that is accepted, or refused for another reason, is a failure too).</li>
 *   <li>{@code invalid}: the product must refuse, and for a reason that is not about claims: these payloads carry
 *       no claims, so a refusal only counts if it is about the format, the algorithm, the key or the signature.</li>
 *   <li>{@code acceptable}: either verdict conforms; the product's verdict is pinned ({@link Acceptable}) so that a
 *       change in it is noticed.</li>
 * </ul>
 * A valid vector listed as {@linkplain Explained explained} (the JDK's arithmetic, not the product, decides it) may
 * get either verdict, but a refusal must be for exactly the listed reason.
 */
final class WycheproofConformance {

    /** Reasons that judge the claims, never the signature: an invalid vector refused for one of them has not been refused. */
    static final Set<RejectReason> CLAIMS_REASONS = Collections.unmodifiableSet(EnumSet.of(RejectReason.CLAIM_MISSING,
            RejectReason.ISSUER_UNKNOWN, RejectReason.TOKEN_EXPIRED, RejectReason.TOKEN_NOT_YET_VALID,
            RejectReason.TOKEN_ISSUED_IN_FUTURE, RejectReason.AUDIENCE_MISMATCH, RejectReason.USER_CLAIM_MISSING));

    /** The product's verdict on one vector: accepted ({@code reason == null}) or refused with a reason. */
    record Verdict(RejectReason reason, String detail) {
        static final Verdict ACCEPTED = new Verdict(null, "");

        static Verdict refused(RejectReason reason, String detail) {
            return new Verdict(reason, detail == null ? "" : detail);
        }

        static Verdict of(TokenRejectedException e) {
            return refused(e.reason(), e.detail());
        }

        boolean accepted() {
            return reason == null;
        }

        @Override
        public String toString() {
            return accepted() ? "accepted" : "refused " + reason.code() + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    /** Valid vectors the product refuses on purpose, each for exactly {@code reason}, because {@code why}. */
    record Deliberate(Set<Integer> tcIds, RejectReason reason, String why) {
    }

    /**
     * Valid vectors that the JDK's own arithmetic may refuse, for {@code reason}, because {@code why}: outside the
     * product's code. Either verdict is taken (Wycheproof's counts as agreed), but a refusal must be for exactly
     * {@code reason}.
     */
    record Explained(Set<Integer> tcIds, RejectReason reason, String why) {
    }

    /** Vectors that disagreed before {@code fix} (a product change made with them as regression tests). */
    record Fixed(Set<Integer> tcIds, String fix) {
    }

    /** An {@code acceptable} vector and the verdict the product gives it. */
    record Acceptable(int tcId, boolean accepted, String why) {
    }

    final String file;
    private final Map<Integer, Deliberate> deliberate = new LinkedHashMap<>();
    private final Map<Integer, Explained> explained = new LinkedHashMap<>();
    private final Map<Integer, Fixed> fixed = new LinkedHashMap<>();
    private final Map<Integer, Acceptable> acceptable = new LinkedHashMap<>();

    int vectors;
    int agreed;
    int deliberatelyDifferent;
    int explainedDifferent;
    int fixedAgreeing;
    final List<String> disagreements = new ArrayList<>();
    final List<String> acceptableVerdicts = new ArrayList<>();
    /** How the invalid vectors were refused: reason code to count. */
    final Map<String, Integer> refusals = new TreeMap<>();
    private final Set<Integer> seen = new java.util.HashSet<>();

    WycheproofConformance(String file, List<Deliberate> deliberate, List<Explained> explained, List<Fixed> fixed,
                          List<Acceptable> acceptable) {
        this.file = file;
        for (Deliberate d : deliberate) {
            d.tcIds().forEach(id -> this.deliberate.put(id, d));
        }
        for (Explained e : explained) {
            e.tcIds().forEach(id -> this.explained.put(id, e));
        }
        for (Fixed f : fixed) {
            f.tcIds().forEach(id -> this.fixed.put(id, f));
        }
        acceptable.forEach(a -> this.acceptable.put(a.tcId(), a));
    }

    /** One line per vector, for {@code -Dwycheproof.verbose=true}. */
    final List<String> log = new ArrayList<>();

    void judge(Vector v, Verdict verdict) {
        log.add(v + ": " + verdict);
        vectors++;
        seen.add(v.tcId());
        if (!verdict.accepted() && v.result().equals("invalid")) {
            refusals.merge(verdict.reason().code(), 1, Integer::sum);
        }
        Deliberate d = deliberate.get(v.tcId());
        Explained x = explained.get(v.tcId());
        switch (v.result()) {
            case "valid" -> {
                if (x != null) {
                    if (verdict.accepted()) {
                        agree(v);
                    } else if (verdict.reason() == x.reason()) {
                        explainedDifferent++;
                    } else {
                        disagreements.add(v + ": explained as refused with " + x.reason().code() + " (" + x.why()
                                + ") but " + verdict);
                    }
                } else if (d != null) {
                    if (!verdict.accepted() && verdict.reason() == d.reason()) {
                        deliberatelyDifferent++;
                    } else {
                        disagreements.add(v + ": listed as deliberately refused with " + d.reason().code()
                                + " (" + d.why() + ") but " + verdict);
                    }
                } else if (verdict.accepted()) {
                    agree(v);
                } else {
                    disagreements.add(v + ": Wycheproof says valid, the product " + verdict);
                }
            }
            case "invalid" -> {
                if (d != null || x != null) {
                    disagreements.add(v + ": an invalid vector is listed as a deliberate or explained difference");
                } else if (verdict.accepted()) {
                    disagreements.add(v + ": Wycheproof says invalid, the product accepted it");
                } else if (CLAIMS_REASONS.contains(verdict.reason())) {
                    disagreements.add(v + ": refused only for a claims reason, " + verdict);
                } else {
                    agree(v);
                }
            }
            case "acceptable" -> {
                Acceptable a = acceptable.get(v.tcId());
                acceptableVerdicts.add("tcId " + v.tcId() + " " + v.comment() + " " + v.flags() + ": " + verdict);
                if (a == null) {
                    disagreements.add(v + ": acceptable vector without a pinned verdict; the product " + verdict);
                } else if (a.accepted() != verdict.accepted()) {
                    disagreements.add(v + ": pinned as " + (a.accepted() ? "accepted" : "refused") + " (" + a.why()
                            + ") but the product " + verdict);
                } else {
                    agree(v);
                }
            }
            default -> disagreements.add(v + ": unknown result " + v.result());
        }
    }

    private void agree(Vector v) {
        agreed++;
        if (fixed.containsKey(v.tcId())) {
            fixedAgreeing++;
        }
    }

    /** Listed vectors that the file does not have: a stale list is a failure, not a silent pass. */
    List<String> unknownListedVectors() {
        List<String> out = new ArrayList<>();
        for (Integer id : deliberate.keySet()) {
            if (!seen.contains(id)) {
                out.add("deliberate tcId " + id);
            }
        }
        for (Integer id : explained.keySet()) {
            if (!seen.contains(id)) {
                out.add("explained tcId " + id);
            }
        }
        for (Integer id : fixed.keySet()) {
            if (!seen.contains(id)) {
                out.add("fixed tcId " + id);
            }
        }
        for (Integer id : acceptable.keySet()) {
            if (!seen.contains(id)) {
                out.add("acceptable tcId " + id);
            }
        }
        return out;
    }

    static String header() {
        return "| file | vectors | agreed | deliberately different | different in the JDK (explained) "
                + "| disagreements fixed (among agreed) | open disagreements |\n"
                + "| --- | ---: | ---: | ---: | ---: | ---: | ---: |";
    }

    String row() {
        return "| " + file + " | " + vectors + " | " + agreed + " | " + deliberatelyDifferent + " | " + explainedDifferent
                + " | " + fixedAgreeing + " | " + disagreements.size() + " |";
    }
}
