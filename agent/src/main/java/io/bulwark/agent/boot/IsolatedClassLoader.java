package io.bulwark.agent.boot;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * Loads the agent's own classes (runtime, weaving, and relocated ASM, Jedis, HikariCP, pgjdbc) from {@code inst/}
 * in the agent jar, stored as {@code .classdata} so that neither the system nor the bootstrap class loader can see
 * them: the application cannot load them by accident and they cannot clash with its own copies.
 *
 * <p>As an agent, its parent is the platform loader (for {@code java.sql} and friends), which delegates to the
 * bootstrap loader, where the public API lives: the runtime and the application share the one copy of
 * {@code io.bulwark.*}. From the command line, its parent is the system loader, which has the API from the
 * jar's root.
 */
final class IsolatedClassLoader extends ClassLoader {

    static final String PREFIX = "inst/";
    private static final String CLASS_SUFFIX = ".classdata";
    private static final String API = "io/bulwark/";
    private static final String BOOT = "io/bulwark/agent/";
    private static final String OWN_INDEX = "META-INF/bulwark/";

    static {
        registerAsParallelCapable();
    }

    private final JarFile jar;
    private final String jarUrl;
    private final ProtectionDomain domain;
    private final String title;
    private final String version;

    IsolatedClassLoader(JarFile jar, URL jarLocation, ClassLoader parent) throws IOException {
        super("bulwark", parent);
        this.jar = jar;
        this.jarUrl = jarLocation.toExternalForm();
        this.domain = new ProtectionDomain(new CodeSource(jarLocation, (Certificate[]) null), null, this, null);
        Manifest manifest = jar.getManifest();
        Attributes main = manifest == null ? new Attributes() : manifest.getMainAttributes();
        this.title = main.getValue(Attributes.Name.IMPLEMENTATION_TITLE);
        this.version = main.getValue(Attributes.Name.IMPLEMENTATION_VERSION);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_SUFFIX);
        if (entry == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new ClassNotFoundException(name, e);
        }
        int dot = name.lastIndexOf('.');
        if (dot > 0) {
            String pkg = name.substring(0, dot);
            if (getDefinedPackage(pkg) == null) {
                try {
                    definePackage(pkg, null, null, null, title, version, null, null);
                } catch (IllegalArgumentException raced) {
                    // another thread defined it first
                }
            }
        }
        return defineClass(name, bytes, 0, bytes.length, domain);
    }

    /** Serves {@code x/Y.class} from {@code inst/x/Y.classdata}: the weaver's warm-up reads one of its classes. */
    @Override
    protected URL findResource(String name) {
        JarEntry entry = entry(name);
        if (entry == null) {
            return null;
        }
        try {
            return new URL("jar:" + jarUrl + "!/" + entry.getName());
        } catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Bulwark's own resources (the class files the weaver's set-up reads, the index of the class it weaves) from this
     * jar, without asking the parents first: they have nothing else to give, and the platform loader, asked, opens
     * the JDK's module image to look (milliseconds, at start-up).
     */
    @Override
    public URL getResource(String name) {
        return own(name) ? findResource(name) : super.getResource(name);
    }

    /** As {@link #getResource}, read from the jar directly rather than through a {@code jar:} URL connection. */
    @Override
    public InputStream getResourceAsStream(String name) {
        if (!own(name)) {
            return super.getResourceAsStream(name);
        }
        JarEntry entry = entry(name);
        try {
            return entry == null ? null : jar.getInputStream(entry);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean own(String name) {
        return name.startsWith(API) || name.startsWith(OWN_INDEX);
    }

    /**
     * The entry that serves resource {@code name}: under {@code inst/}, class files as {@code .classdata}; or, for the
     * API's class files, at the jar's root: the copy the bootstrap loader defines, whose annotation defaults the weaver
     * reads (the bootstrap loader does not serve resources appended by an agent).
     */
    private JarEntry entry(String name) {
        boolean classFile = name.endsWith(".class");
        JarEntry entry = jar.getJarEntry(PREFIX + (classFile
                ? name.substring(0, name.length() - ".class".length()) + CLASS_SUFFIX
                : name));
        if (entry == null && classFile && name.startsWith(API) && !name.startsWith(BOOT)) {
            entry = jar.getJarEntry(name);
        }
        return entry;
    }

    @Override
    protected Enumeration<URL> findResources(String name) {
        URL url = findResource(name);
        return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singletonList(url));
    }
}
