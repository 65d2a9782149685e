package dev.trustplane.workload;

/**
 * One container's image in a workload.
 *
 * @param list    {@code containers}, {@code initContainers} or {@code ephemeralContainers}
 * @param name    the container's name
 * @param image   the image as written in the resource
 * @param pointer the JSON pointer of the {@code image} field in the resource (for a digest patch)
 */
public record ContainerImage(String list, int index, String name, String image, String pointer) {

    /** How a decision names the container: {@code initContainers[0] (setup)}. */
    public String label() {
        return list + "[" + index + "]" + (name == null || name.isEmpty() ? "" : " (" + name + ")");
    }
}
