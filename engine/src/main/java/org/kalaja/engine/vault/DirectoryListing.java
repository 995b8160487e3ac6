package org.kalaja.engine.vault;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * What a {@link DirectoryVault}'s directory holds, as vault paths in ascending order: regular files
 * whose path relative to the root is a layout path; anything else (temporary files of a writer,
 * someone's notes) is left out.
 */
final class DirectoryListing {
    private DirectoryListing() {
    }

    /** Every layout path under {@code root} that starts with {@code prefix}. */
    static List<String> list(Path root, String prefix) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path start = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!Files.isDirectory(start)) {
            return List.of();
        }
        List<String> paths = new ArrayList<>();
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                String path = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (attrs.isRegularFile() && path.startsWith(prefix) && VaultPaths.isLayoutPath(path)) {
                    paths.add(path);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE; // a temporary file, removed while we walked
                }
                throw e;
            }
        });
        paths.sort(null);
        return paths;
    }

    /**
     * The partial tiles and bundles, found by name, without a system call per full tile: listing a
     * vault of a million entries took a good part of a second, mostly {@code lstat} of every file,
     * and a verifier does it on every audit. In the tlog-tiles layout a level's directory holds
     * {@code x}-prefixed directories of further index digits, full tiles or bundles as files named by
     * three digits, and a directory {@code NNN.p} of partials: only the first and the last are opened.
     */
    static List<String> partials(Path root) throws IOException {
        List<String> paths = new ArrayList<>();
        for (String level : names(root.resolve(VaultPaths.TILES))) collectPartials(root, VaultPaths.TILES + level + "/", paths);
        paths.sort(null);
        return paths;
    }

    private static void collectPartials(Path root, String dir, List<String> into) throws IOException {
        for (String name : names(root.resolve(dir))) {
            if (name.startsWith("x")) {
                collectPartials(root, dir + name + "/", into);
            } else if (name.endsWith(".p")) {
                for (String width : names(root.resolve(dir + name))) {
                    String path = dir + name + "/" + width;
                    if (VaultPaths.isLayoutPath(path) && Files.isRegularFile(root.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
                        into.add(path);
                    }
                }
            }
        }
    }

    /** The names in {@code dir}; none if it is gone or is not a directory (where the layout has one, someone put a file). */
    private static List<String> names(Path dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) names.add(entry.getFileName().toString());
        } catch (NoSuchFileException | NotDirectoryException e) {
            return List.of();
        }
        return names;
    }
}
