package dev.trustplane.debian;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CopyrightTest {
    private static List<String> names(String text) {
        return Copyright.licenses(text).stream().map(Copyright.License::name).toList();
    }

    @Test
    void shouldListTheShortNameOfEveryLicenseFieldInOrderOnce() {
        String text = """
                Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
                Upstream-Name: example
                License: GPL-2+
                
                Files: *
                Copyright: 2020 Someone
                License: GPL-2+ or Artistic
                
                Files: lib/*
                Copyright: 2021 Someone Else
                license: MIT and (BSD-3-clause)
                # License: commented-out
                
                License: GPL-2+
                 This program is free software; you can redistribute it
                 .
                 License: not a field, a continuation line
                
                License: Expat, and Zlib\r
                """;

        assertThat(names(text)).containsExactly("GPL-2+", "Artistic", "MIT", "BSD-3-clause", "Expat", "Zlib");
        assertThat(Copyright.licenses(text)).first().isEqualTo(new Copyright.License("GPL-2+", "GPL-2.0-or-later"));
        assertThat(Copyright.licenses(text)).element(1).isEqualTo(new Copyright.License("Artistic", "Artistic-1.0-Perl"));
        assertThat(Copyright.licenses(text)).element(4).isEqualTo(new Copyright.License("Expat", "MIT"));
    }

    @Test
    void shouldSkipLicenseFieldsWhoseFirstLineIsEmptyAndOverlongNames() {
        String text = "Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn\n"
                + "License:\n Some text only on continuation lines\n\nLicense: " + "x".repeat(90) + "\n"
                + "\nLicense: ISC";

        assertThat(names(text)).containsExactly("ISC");
    }

    @Test
    void shouldFindNothingInAFileThatIsNotMachineReadable() {
        assertThat(Copyright.licenses("This package was debianized by someone.\nLicense: GPL-2\n")).isEmpty();
        assertThat(Copyright.licenses(null)).isEmpty();
        assertThat(Copyright.licenses("")).isEmpty();
    }
}
