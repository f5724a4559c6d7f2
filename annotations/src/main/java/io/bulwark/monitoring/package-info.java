/**
 * What Bulwark decides, for metrics, traces and health checks: register a {@link io.bulwark.monitoring.BulwarkListener}
 * with {@link io.bulwark.Bulwark#listen}, read a {@link io.bulwark.monitoring.BulwarkStatus} with
 * {@link io.bulwark.Bulwark#status()}. Nothing here carries a key value, a user id or a secret: policy names come from
 * annotations, everything else is one of a few fixed words, so every field is safe as a metric tag.
 *
 * <p>{@code bulwark-micrometer} and {@code bulwark-opentelemetry} are listeners ready made; the Spring Boot adapter
 * registers them, and a {@code bulwark} health contributor, by itself.
 */
package io.bulwark.monitoring;
