package io.greenshank.authz.route;

import io.greenshank.authz.policy.Destination;
import io.greenshank.authz.sar.ResourceAttributes;
import java.util.Map;
import java.util.Optional;

/** A request matched to a route: the destination it is judged against and, if the route says so, the resource. */
public record RouteMatch(int index, Route route, Map<String, String> variables, Destination destination,
                         Optional<ResourceAttributes> resource) {
}
