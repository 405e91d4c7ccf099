package dev.mcgt.cli;

import dev.mcgt.model.ModelFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code mcgt --version}: the build version (filtered into a resource at build time) and the model format. */
public final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"mcgt " + buildVersion() + " (model file format " + ModelFile.FORMAT_VERSION + ", Java "
                + Runtime.version() + ")"};
    }

    /** The project version, or {@code dev} when the resource is missing. */
    static String buildVersion() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/mcgt-version.properties")) {
            if (in == null) return "dev";
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "dev");
            return v.startsWith("${") ? "dev" : v;
        } catch (IOException e) {
            return "dev";
        }
    }
}
