package io.bulwark.agent.e2e.apps;

/** An application that does nothing but start: what loads before its class is what the agents loaded. */
public final class PlainApp {

    private PlainApp() {
    }

    public static void main(String[] args) {
        System.out.println("ran=true");
    }
}
