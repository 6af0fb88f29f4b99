/**
 * A test-scope model of what Envoy does to one request on the ext_authz path, for judging an authorization server by
 * what the upstream application or the client ends up with. Start at {@link io.greenshank.envoy.Envoy}; each class
 * cites the Envoy source file and function whose behaviour it reproduces (envoyproxy/envoy).
 */
package io.greenshank.envoy;
