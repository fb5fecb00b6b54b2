'use client'

import ReactMarkdown from 'react-markdown'

type MdNode = { type: string; value?: string; children?: MdNode[] }

/**
 * Raw HTML in a model's answer is shown as the text it is. react-markdown without rehype-raw already never renders
 * HTML, but it drops it silently; a person reading `<script>` in an answer should see that it is there.
 */
function htmlAsText() {
  const walk = (node: MdNode) => {
    if (node.type === 'html') node.type = 'text'
    node.children?.forEach(walk)
  }
  return (tree: MdNode) => walk(tree)
}

/** A response as Markdown, sanitized: no raw HTML, no images fetched from elsewhere, links open in a new tab without referrer. */
export function ResultMarkdown({ text }: { text: string }) {
  return (
    <div className="result-markdown space-y-2 text-sm leading-6 break-words [&_a]:text-accent [&_a]:underline [&_code]:rounded [&_code]:bg-subtle [&_code]:px-1 [&_code]:font-mono [&_code]:text-xs [&_li]:ml-5 [&_ol]:list-decimal [&_pre]:overflow-x-auto [&_pre]:rounded-md [&_pre]:bg-subtle [&_pre]:p-3 [&_ul]:list-disc [&_h1]:text-lg [&_h1]:font-semibold [&_h2]:text-base [&_h2]:font-semibold [&_h3]:font-semibold [&_blockquote]:border-l-2 [&_blockquote]:border-border [&_blockquote]:pl-3 [&_blockquote]:text-muted">
      <ReactMarkdown
        remarkPlugins={[htmlAsText]}
        disallowedElements={['img']}
        unwrapDisallowed
        components={{
          a: ({ href, children }) => (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow">
              {children}
            </a>
          ),
        }}
      >
        {text}
      </ReactMarkdown>
    </div>
  )
}
