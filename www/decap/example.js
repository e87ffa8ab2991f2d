// The Decap CMS example: a few posts in Decap's in-memory repository, and
// post-preview registered as the preview of the "posts" collection.
import { registerPostPreview } from "../decap.js";

const post = (title, description, body) =>
  `---\ntitle: ${JSON.stringify(title)}\ndescription: ${JSON.stringify(description)}\nbyline: The Example Team\ntags:\n  - example\n---\n${body}`;

// The test-repo backend reads its files from window.repoFiles (folder, then file name).
window.repoFiles = {
  posts: {
    "hello-decap.md": {
      content: post(
        "Hello from Decap",
        "A post edited in Decap CMS and previewed by post-preview.",
        "Decap edits this body; post-preview renders it as the site will.\n\n" +
          "![A diagram](/decap/images/diagram.svg)\n\n" +
          "## What the preview checks\n\nRaw HTML is sanitized, and what it removes is listed under the preview.\n",
      ),
    },
    "long-post.md": {
      content: post(
        "A long post",
        "Long enough to scroll: the preview follows the edit.",
        Array.from({ length: 60 }, (_, i) => `Paragraph ${i + 1} of the long post, with a few words to wrap.`).join("\n\n") + "\n",
      ),
    },
    "second-post.md": {
      content: post(
        "A second post",
        "Another entry, to switch between.",
        "The second post's body.\n\n- one\n- two\n",
      ),
    },
  },
};

registerPostPreview(window.CMS, {
  collection: "posts",
  base_url: new URL("/", location.href).href,
  stylesheet: new URL("./site.css", import.meta.url).href,
});

window.CMS.init();
