package io.greenshank.envoy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** An ordered, immutable list of header fields; repeated names stay separate entries. */
public record HeaderList(List<Header> entries) {

    public static final HeaderList EMPTY = new HeaderList(List.of());

    public HeaderList {
        entries = List.copyOf(entries);
    }

    /** {@code of("a", "1", "b", "2")}: names and values alternating. */
    public static HeaderList of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("names and values must alternate");
        }
        List<Header> list = new ArrayList<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            list.add(new Header(namesAndValues[i], namesAndValues[i + 1]));
        }
        return new HeaderList(list);
    }

    /** Every value under {@code name} (compared without regard to case), in order. */
    public List<String> values(String name) {
        List<String> out = new ArrayList<>();
        for (Header h : entries) {
            if (h.name().equalsIgnoreCase(name)) {
                out.add(h.value());
            }
        }
        return out;
    }

    public Optional<String> first(String name) {
        List<String> v = values(name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    public boolean contains(String name) {
        return !values(name).isEmpty();
    }

    /** The names exactly as they are held, in order, repeats included. */
    public List<String> names() {
        return entries.stream().map(Header::name).toList();
    }

    /** The names in lower case: convenient for "no such header, in any case" assertions. */
    public List<String> lowerCaseNames() {
        return entries.stream().map(h -> h.name().toLowerCase(Locale.ROOT)).toList();
    }

    public int size() {
        return entries.size();
    }

    public HeaderList with(String name, String value) {
        List<Header> list = new ArrayList<>(entries);
        list.add(new Header(name, value));
        return new HeaderList(list);
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
