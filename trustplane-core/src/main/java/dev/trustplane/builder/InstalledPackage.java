package dev.trustplane.builder;

import dev.trustplane.debian.Deb822;
import java.util.List;

/** A package as it was installed: what the lock pinned, its control data, copyright text and files. */
record InstalledPackage(LockedPackage locked, Deb822.Paragraph control, String md5sums, String conffiles,
        String copyright, List<String> files) {
    InstalledPackage {
        files = List.copyOf(files);
    }
}
