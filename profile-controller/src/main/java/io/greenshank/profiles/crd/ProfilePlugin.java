package io.greenshank.profiles.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;
import java.util.Optional;

/**
 * One entry of {@code spec.plugins}: a kind and a free-form spec, as Kubeflow stores it
 * ({@code WorkloadIdentity} with {@code gcpServiceAccount}, {@code AwsIamForServiceAccount} with {@code awsIamRole}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfilePlugin(String kind, Map<String, Object> spec) {

    public static final String WORKLOAD_IDENTITY = "WorkloadIdentity";
    public static final String AWS_IAM_FOR_SERVICE_ACCOUNT = "AwsIamForServiceAccount";

    public ProfilePlugin {
        spec = spec == null ? Map.of() : Map.copyOf(spec);
    }

    public Optional<String> stringField(String name) {
        Object v = spec.get(name);
        return v instanceof String s && !s.isBlank() ? Optional.of(s) : Optional.empty();
    }
}
