package io.bulwark.agent.internal.weaving;

/** An interface with code of its own, for {@link GuardWeavingShapesTest}. */
public interface ShapesInterface {

    String name();

    default String greet(String greeting, int times) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < times; i++) {
            out.append(greeting).append(' ');
        }
        return out.append(name()).toString();
    }

    static int twice(int x) {
        if (x < 0) {
            throw new IllegalArgumentException("negative");
        }
        return 2 * x;
    }

    /** Implements the interface, defined unwoven beside the woven interface. */
    final class Impl implements ShapesInterface {
        @Override
        public String name() {
            return "impl";
        }
    }
}
